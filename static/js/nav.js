// The main navigation's disclosure menus (<details data-nav-menu>) work without this file.
// Progressive enhancement only: one menu open at a time; Escape closes the open menu and returns
// focus to its summary; a click or focus outside a menu closes it.
document.addEventListener("DOMContentLoaded", function () {
  var menus = Array.prototype.slice.call(document.querySelectorAll("details[data-nav-menu]"));
  if (!menus.length) {
    return;
  }

  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except && menu.open) {
        menu.open = false;
      }
    });
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) {
        closeAll(menu);
      }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
        event.preventDefault();
      }
    });
    menu.addEventListener("focusout", function (event) {
      if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) {
        menu.open = false;
      }
    });
  });

  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) {
        menu.open = false;
      }
    });
  });
});
