// Reads a JSON array of {name, text} diagrams on stdin, parses each with
// the mermaid package and prints a JSON array of {name, error, actors},
// actors being [id, label] pairs of a sequence diagram's participants.
import mermaid from 'mermaid';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const d of JSON.parse(input)) {
  const r = { name: d.name, error: '', type: '', actors: [] };
  try {
    const p = await mermaid.parse(d.text);
    r.type = p.diagramType;
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(d.text);
    if (diagram.db.getActors) {
      for (const [id, a] of diagram.db.getActors()) r.actors.push([id, a.description]);
    }
  } catch (e) {
    r.error = String(e.message || e).split('\n').slice(0, 3).join(' ');
  }
  out.push(r);
}
process.stdout.write(JSON.stringify(out));
