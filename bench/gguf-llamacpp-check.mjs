// Cross-check of a .gguf file written by this project against real llama.cpp (through node-llama-cpp).
//
// Not part of the test suite: it needs node-llama-cpp (3.22.1 was used) installed OUTSIDE the repository, e.g.
//   mkdir -p /work/llamacpp-check && cd /work/llamacpp-check && npm init -y && npm install node-llama-cpp@3.22.1
// The prebuilt CPU binaries (@node-llama-cpp/linux-x64) are used; nothing is compiled and no model is downloaded.
//
// Usage:
//   NODE_LLAMA_CPP_DIR=/work/llamacpp-check node bench/gguf-llamacpp-check.mjs FILE.gguf \
//       [--prompt "Once upon a time"] [--tokens 32] [--text heldout.txt] [--chars 4000] [--seqlen 256]
//   (--lib DIR instead of the environment variable; DIR holds node_modules/node-llama-cpp)
//
// Prints: the bundled llama.cpp release, whether the model loads (or llama.cpp's error verbatim), the first 50
// token ids of the text (without BOS, as llama_tokenize with add_special=false), the greedy (temperature 0)
// continuation of the prompt (BOS prepended when the file asks for it), and the perplexity of the text's first
// --chars characters: tokenized whole (BOS per the file), cut into non-overlapping --seqlen windows, the last shorter
// window dropped, each window scored on its own -- the same protocol as `bin/auto-round eval` (--seqlen 0 skips it).
// Compare with `bin/auto-round generate FILE.gguf --prompt ... --max_new_tokens N` and
// `bin/auto-round eval FILE.gguf --eval_text SLICE`, and with bench/GgufTokenIds.java for the token ids.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

function parseArgs(argv) {
    const opts = { prompt: "Once upon a time", tokens: 32, text: null, chars: 4000, seqlen: 256, lib: process.env.NODE_LLAMA_CPP_DIR };
    const rest = [];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a.startsWith("--")) {
            const key = a.slice(2);
            if (!(key in opts)) throw new Error(`unknown option ${a}`);
            opts[key] = typeof opts[key] === "number" ? Number(argv[++i]) : argv[++i];
        } else {
            rest.push(a);
        }
    }
    if (rest.length !== 1) throw new Error("usage: gguf-llamacpp-check.mjs FILE.gguf [options] (see the header)");
    if (!opts.lib) throw new Error("set NODE_LLAMA_CPP_DIR (or --lib) to the folder holding node_modules/node-llama-cpp");
    opts.file = path.resolve(rest[0]);
    return opts;
}

async function loadLibrary(dir) {
    const entry = path.join(dir, "node_modules", "node-llama-cpp", "dist", "index.js");
    if (!fs.existsSync(entry)) throw new Error(`node-llama-cpp not found at ${entry}`);
    return import(pathToFileURL(entry).href);
}

/** Order-sensitive checksum of all ids (sum of id * (index + 1) mod 2^31), printed the same way by GgufTokenIds.java. */
function idChecksum(ids) {
    let sum = 0n;
    ids.forEach((id, i) => { sum = (sum + BigInt(id) * BigInt(i + 1)) % 2147483648n; });
    return sum.toString();
}

/** Greedy continuation of the prompt: the argmax token each step, stopping at EOS/EOT or after n tokens. */
async function greedy(model, sequence, promptIds, n) {
    await sequence.clearHistory();
    const out = [];
    for await (const token of sequence.evaluate(promptIds, { temperature: 0 })) {
        if (model.isEogToken ? model.isEogToken(token) : token === model.tokens.eos) break;
        out.push(token);
        if (out.length >= n) break;
    }
    return out;
}

/**
 * Sum of -log p(next token) over one window: each position asks llama.cpp for the logit of the actual next token,
 * the top logit (includeTop: 1; includeMax alone did not return it in 3.22.1) and sum(exp(logit - max)), so log p = logit - max - log(sum) without copying the whole vocabulary.
 */
async function windowNll(sequence, ids) {
    await sequence.clearHistory();
    const input = ids.map((t, i) => i + 1 < ids.length
        ? [t, { generateNext: { logits: { filter: { tokens: [ids[i + 1]], includeTop: 1 } }, totalLogitWeight: true } }]
        : t);
    const results = await sequence.controlledEvaluate(input);
    let nll = 0;
    for (let i = 0; i + 1 < ids.length; i++) {
        const next = results[i].next;
        const logits = next.logits;
        const max = Math.max(...logits.values());
        nll -= logits.get(ids[i + 1]) - max - Math.log(next.totalLogitWeight);
    }
    return { nll, count: ids.length - 1 };
}

async function main() {
    const opts = parseArgs(process.argv.slice(2));
    const { getLlama, LlamaLogLevel } = await loadLibrary(opts.lib);
    const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.warn });
    console.log(`llama.cpp: ${llama.llamaCppRelease.repo} ${llama.llamaCppRelease.release} (${llama.buildType}, gpu=${llama.gpu})`);
    console.log(`file: ${opts.file}`);

    let model;
    try {
        model = await llama.loadModel({ modelPath: opts.file, gpuLayers: 0 });
    } catch (e) {
        console.log(`LOAD FAILED: ${e && e.message ? e.message : e}`);
        process.exitCode = 2;
        return;
    }
    const info = model.fileInfo;
    console.log(`loaded: yes; architecture ${info.metadata.general.architecture}, ${model.fileInsights.totalLayers ?? "?"} layers,`
        + ` vocab ${model.tokens.bos == null ? "" : "bos=" + model.tokens.bos + " "}eos=${model.tokens.eos}`
        + ` prependBos=${model.tokens.shouldPrependBosToken}, ${model.size} bytes`);
    const bos = model.tokens.shouldPrependBosToken && model.tokens.bos != null ? [model.tokens.bos] : [];

    const text = opts.text ? fs.readFileSync(opts.text, "utf8").slice(0, opts.chars) : null;
    if (text != null) {
        const ids = model.tokenize(text);
        console.log(`text ids (${ids.length} tokens for ${text.length} chars, no BOS), first 50: ${ids.slice(0, 50).join(" ")}`);
        console.log(`text ids checksum: ${idChecksum(ids)}`);
    }

    const context = await model.createContext({ contextSize: Math.max(opts.seqlen + 8, 512), batchSize: Math.max(opts.seqlen, 512), threads: 2 });
    const sequence = context.getSequence();
    const promptIds = [...bos, ...model.tokenize(opts.prompt)];
    console.log(`prompt ids: ${promptIds.join(" ")}`);
    const generated = await greedy(model, sequence, promptIds, opts.tokens);
    console.log(`greedy ids: ${generated.join(" ")}`);
    console.log(`greedy text: ${JSON.stringify(model.detokenize(generated))}`);

    if (text != null && opts.seqlen > 0) {
        const all = [...bos, ...model.tokenize(text)];
        let nll = 0, count = 0, windows = 0;
        for (let start = 0; start + opts.seqlen <= all.length; start += opts.seqlen) {
            const w = await windowNll(sequence, all.slice(start, start + opts.seqlen));
            nll += w.nll;
            count += w.count;
            windows++;
        }
        console.log(`perplexity: ${Math.exp(nll / count).toFixed(4)} (${windows} windows of ${opts.seqlen}, ${count} predictions, ${all.length} tokens)`);
    }
    await context.dispose();
    await model.dispose();
    await llama.dispose();
}

main().catch(e => {
    console.error(e && e.stack ? e.stack : e);
    process.exitCode = 1;
});
