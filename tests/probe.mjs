import { Marp } from '@marp-team/marp-core';
const cases = {
 afterHr: `---\nheadingDivider: 1\n---\n# A\n\n---\n\n# B\n`,
 commentFirst: `---\nheadingDivider: 2\n---\n<!-- note -->\n# A\ntext\n## B\n`,
 commentDivider: `# A\n\n<!-- headingDivider: 1 # a comment -->\n\n# B\n\n# C\n`,
 commentMulti: `<!--\nheadingDivider: 1\n# yaml comment\n-->\n# A\n# B\n`,
 setext: `Para\n---\n\n# X\n`,
 setextBlank: `Para\n\n---\n\n# X\n`,
 fmComment: `---\n# comment\nheadingDivider: 1 # trailing\n---\n# A\n# B\n`,
 nested: `---\nheadingDivider: 1\n---\n> # A\n\n- # B\n\n# C\n`,
 titleImg: `# ![w:70](x) Title ![bg](y)\n`,
 fragments: `* a\n* b\n\n1) x\n2) y\n`,
};
const marp = new Marp();
for (const [k, md] of Object.entries(cases)) {
  const toks = marp.markdown.parse(md, {});
  const slides = []; let cur = null; let inH = false;
  for (const t of toks) {
    if (t.type === 'marpit_slide_open') { cur = { title: null }; slides.push(cur); }
    if (t.type === 'heading_open') inH = true;
    else if (t.type === 'heading_close') inH = false;
    else if (inH && t.type === 'inline' && cur.title === null) cur.title = t.children.map(c => c.type + ':' + c.content).join('|');
  }
  console.log(k, slides.length, JSON.stringify(slides.map(s => s.title)));
}
const r = marp.render(cases.fragments); console.log(r.html.replace(/\n/g,' ').slice(0,600));
