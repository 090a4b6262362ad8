// What Mozilla pdf.js (Firefox's PDF engine) exposes to assistive technology: for each
// page, `page.getStructTree()` with the text of each marked-content item filled in from
// `page.getTextContent({includeMarkedContent: true})`, and each annotation the tree
// points at. Prints one JSON document. Used by tests/test_accessibility.py.
//
//   node tests/pdfjs/structtree.mjs FILE.pdf [PASSWORD]
import { readFileSync } from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const [file, password] = process.argv.slice(2);
const data = new Uint8Array(readFileSync(file));
const pdf = await getDocument({ data, password, verbosity: 0 }).promise;
const pages = [];
for (let number = 1; number <= pdf.numPages; number++) {
  const page = await pdf.getPage(number);
  const content = await page.getTextContent({ includeMarkedContent: true });
  const texts = new Map(); // marked-content id -> its text
  const open = []; // ids of the marked-content sequences we are in (null: untagged, e.g. BMC)
  let untagged = ""; // text outside any tagged sequence and outside artifacts
  for (const item of content.items) {
    if (item.type === "beginMarkedContentProps" || item.type === "beginMarkedContent") {
      open.push(item.tag === "Artifact" ? "artifact" : (item.id ?? null));
    } else if (item.type === "endMarkedContent") {
      open.pop();
    } else if (item.str !== undefined) {
      const id = open.findLast((entry) => entry !== null);
      const text = item.str + (item.hasEOL ? "\n" : "");
      if (id === undefined) untagged += text;
      else if (id !== "artifact") texts.set(id, (texts.get(id) ?? "") + text);
    }
  }
  const annotations = new Map((await page.getAnnotations()).map((a) => [a.id, a]));
  const walk = (node) => {
    if (node.type === "content") return { text: (texts.get(node.id) ?? "").trim() };
    if (node.type === "object" || node.type === "annotation") {
      const a = annotations.get(node.id.replace("pdfjs_internal_id_", "")) ?? {};
      return { annotation: { subtype: a.subtype, fieldType: a.fieldType, name: a.fieldName,
        description: a.alternativeText, contents: a.contentsObj?.str, value: a.buttonValue } };
    }
    const out = { role: node.role };
    if (node.alt) out.alt = node.alt;
    if (node.lang) out.lang = node.lang;
    out.kids = (node.children ?? []).map(walk);
    return out;
  };
  const tree = await page.getStructTree();
  pages.push({ page: number, tree: tree ? walk(tree) : null, untagged: untagged.trim() });
}
console.log(JSON.stringify({ pages }));
