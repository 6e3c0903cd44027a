// Starts the built `kerbside` binary the way an operator would: a fresh
// SQLite database in a temporary folder, port 0 (the system picks a free one;
// the server prints the real address once it is listening), and the one-time
// set-up link read from what it prints.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..", "..", "..");

export function binaryPath() {
  const path = process.env.KERBSIDE_BIN ?? join(ROOT, "target", "debug", "kerbside");
  if (!existsSync(path)) {
    throw new Error(`${path} does not exist: run 'cargo build' first (or set KERBSIDE_BIN)`);
  }
  return path;
}

export async function startServer({ env = {}, name = "server" } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "kerbside-browser-"));
  const child = spawn(binaryPath(), ["serve"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${join(dir, "kerbside.db")}?mode=rwc`,
      ROCKET_ADDRESS: "127.0.0.1",
      ROCKET_PORT: "0",
      ROCKET_LOG_LEVEL: "critical",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let errors = "";
  child.stderr.on("data", (d) => { errors += d; });
  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${output}\n${errors}`)), 60_000);
    child.stdout.on("data", (d) => {
      output += d;
      const m = output.match(/serving on (http:\/\/[\d.]+:\d+)/);
      if (m) {
        clearTimeout(timer);
        const setup = output.match(/(http:\/\/[\d.]+:\d+\/setup\/\S+)/);
        resolveReady({ origin: m[1], setupLink: setup ? setup[1] : null });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before serving:\n${output}\n${errors}`));
    });
  });
  const { origin, setupLink } = await ready;
  return {
    origin,
    setupLink,
    stderr: () => errors,
    /** Run `kerbside <args>` on this server's database, as an operator would; its output. */
    cli(args, input = "") {
      const r = spawnSync(binaryPath(), args, {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: `sqlite://${join(dir, "kerbside.db")}?mode=rwc`, ...env },
        input,
        encoding: "utf8",
      });
      if (r.status !== 0) throw new Error(`kerbside ${args.join(" ")} failed: ${r.stderr}`);
      return r.stdout;
    },
    /** Call the JSON API with a token; the parsed answer (throws unless 2xx). */
    async api(token, method, path, body) {
      const r = await fetch(`${origin}/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${path} answered ${r.status}: ${text}`);
      return JSON.parse(text);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
