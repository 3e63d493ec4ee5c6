// The client's sign-out page: posts the end-session request to the identification service at
// once. Without this file the page's own button does the same.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-auto-submit]");
  if (form) {
    form.submit();
  }
});
