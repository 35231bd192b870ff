// TeX to MathML with temml, one request per line, for autograder/pipeline/mathml.py.
//
// Reads lines of JSON {"tex": "...", "display": true|false} on stdin and
// answers each, in order, with one line of JSON on stdout: {"mathml": "<math ...>"}
// or {"error": "..."} when temml cannot parse the formula. It runs until stdin
// closes, so one process serves every formula of a feedback run.
import readline from "node:readline";
import temml from "temml";

// temml reports some warnings with console.log: keep them off the answers' channel
console.log = (...args) => console.error(...args);

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });

lines.on("line", (line) => {
  let reply;
  try {
    const request = JSON.parse(line);
    if (typeof request.tex !== "string") {
      throw new Error('expected {"tex": string, "display": boolean}');
    }
    const mathml = temml.renderToString(request.tex, {
      displayMode: Boolean(request.display),
      throwOnError: true,
    });
    reply = { mathml };
  } catch (err) {
    reply = { error: String(err && err.message ? err.message : err) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
});
