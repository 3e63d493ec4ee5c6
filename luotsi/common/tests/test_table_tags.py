"""The section and table tags of ``luotsi_tables``: the markup once, every value escaped."""

from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load luotsi_tables %}" + source).render(Context(context))


def squeeze(html: str) -> str:
    return "".join(line.strip() for line in html.splitlines())


def test_section__heading_and_body_under_one_id():
    html = squeeze(render('{% section "work" heading %}<p>body</p>{% endsection %}',
                          heading="<b>My work</b>"))
    assert html == ('<section aria-labelledby="work-heading"><h2 id="work-heading">'
                    "&lt;b&gt;My work&lt;/b&gt;</h2><p>body</p></section>")


def test_section__own_id():
    html = render('{% section "work" "Work" id="my-work" %}{% endsection %}')
    # focusable, so that a page opened at it (after a save) puts the focus there
    assert '<section aria-labelledby="work-heading" id="my-work" tabindex="-1">' in html


def test_table__rows_headers_and_the_section_heading_as_its_label():
    html = squeeze(render(
        '{% section "people" "People" %}'
        '{% table rows as row "Name" "Age" empty="No one." %}'
        "<tr><td>{{ row.name }}</td><td>{{ row.age }}</td></tr>{% endtable %}{% endsection %}",
        rows=[{"name": "<script>", "age": 3}, {"name": "Aino", "age": 40}]))
    assert ('<table aria-labelledby="people-heading"><thead><tr><th scope="col">Name</th>'
            '<th scope="col">Age</th></tr></thead><tbody>'
            "<tr><td>&lt;script&gt;</td><td>3</td></tr><tr><td>Aino</td><td>40</td></tr>"
            "</tbody></table>") in html
    assert "No one." not in html


def test_table__no_rows_is_the_sentence():
    html = squeeze(render('{% table rows as row "Name" empty=empty empty_id="none" %}'
                          "<tr></tr>{% endtable %}", rows=[], empty="No <one>."))
    assert html == '<p id="none">No &lt;one&gt;.</p>'


def test_table__without_a_sentence_the_empty_table_stays():
    html = squeeze(render('{% table rows as row "Name" labelledby="h" %}<tr></tr>{% endtable %}',
                          rows=[]))
    assert html.startswith('<table aria-labelledby="h">') and "<tbody></tbody>" in html


def test_table__caption_options_and_label_list():
    html = squeeze(render(
        '{% table rows as row "A" labels=more caption="Cap" caption_hidden=True class="sc"'
        ' table_id="t" action_header="Remove" scroll=True %}<tr></tr>{% endtable %}',
        rows=[1], more=["B", "C"]))
    assert html.startswith('<div class="table-scroll" role="region" tabindex="0"')
    assert '<table id="t" class="sc">' in html
    assert '<caption class="visually-hidden">Cap</caption>' in html
    assert ('<th scope="col">A</th><th scope="col">B</th><th scope="col">C</th><th scope="col">'
            '<span class="visually-hidden">Remove</span></th>') in html


def test_table__the_row_name_does_not_leak_out():
    html = render('{% table rows as row "A" %}{{ row }}{% endtable %}[{{ row }}]', rows=["x"])
    assert "[]" in html
