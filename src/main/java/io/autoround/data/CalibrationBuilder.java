package io.autoround.data;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Builds a {@link CalibrationSet} from the reference's dataset syntax: local {@code .txt} (tokenized whole, windows
 * at seeded random offsets), {@code .json}/{@code .jsonl} records (tokenized one by one, short and padding-like
 * samples dropped, optional concatenation), hub datasets through a {@link HubDatasetLoader}, and the embedded
 * corpus when the hub cannot be reached (announced on the log stream, never silently).
 */
public final class CalibrationBuilder {
    public static final String DEFAULT_DATASET = "NeelNanda/pile-10k";

    private final TokenEncoder tokenizer;
    private final HubDatasetLoader hub;
    private final PrintStream log;

    public CalibrationBuilder(TokenEncoder tokenizer, HubDatasetLoader hub, PrintStream log) {
        this.tokenizer = tokenizer;
        this.hub = hub;
        this.log = log;
    }

    /** Samples from {@code spec}, mixed as the reference mixes them, shuffled with {@code seed}. */
    public CalibrationSet build(String spec, int nsamples, int seqlen, long seed) {
        if (nsamples <= 0) {
            throw new IllegalArgumentException("nsamples must be positive, got " + nsamples);
        }
        if (seqlen <= 1) {
            throw new IllegalArgumentException("seqlen must be at least 2, got " + seqlen);
        }
        List<DatasetSpec.Entry> entries = checkSpec(spec, seqlen);
        Random rng = new Random(seed);
        List<List<int[]>> pools = new ArrayList<>();
        for (DatasetSpec.Entry e : entries) {
            int want = e.num() > 0 ? e.num() : nsamples;
            pools.add(samplesOf(e, seqlen, want, rng));
        }
        List<int[]> mixed = mix(entries, pools, nsamples);
        Collections.shuffle(mixed, rng);
        if (mixed.isEmpty()) {
            throw new IllegalArgumentException("calibration data '" + spec + "' gave no sample of " + seqlen
                    + " tokens: use a longer text, more records or a smaller seqlen");
        }
        if (mixed.size() < nsamples) {
            log.printf("warning: calibration data '%s' gave only %d samples of %d tokens (nsamples=%d asked); using %d%n",
                    spec, mixed.size(), seqlen, nsamples, mixed.size());
        }
        List<int[]> chosen = mixed.subList(0, Math.min(nsamples, mixed.size()));
        return new CalibrationSet(chosen, seqlen, spec + " (" + chosen.size() + " x " + seqlen + " tokens)");
    }

    /**
     * Parses {@code spec} (null = the default dataset) and checks each entry's {@code num=} against the calibration
     * token limit, before anything is read or downloaded.
     */
    public static List<DatasetSpec.Entry> checkSpec(String spec, int seqlen) {
        List<DatasetSpec.Entry> entries = DatasetSpec.parse(spec == null ? DEFAULT_DATASET : spec);
        long limit = io.autoround.Limits.CALIBRATION_TOKENS.value();
        for (DatasetSpec.Entry e : entries) {
            String lower = e.name().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".txt") || lower.endsWith(".json") || lower.endsWith(".jsonl")) {
                TextFiles.checkUtf8(Path.of(e.name()), "calibration file");
            }
            if (e.num() > 0 && (long) e.num() * seqlen > limit) {
                throw new IllegalArgumentException("dataset '" + e.name() + "': num=" + e.num() + " x seqlen " + seqlen
                        + " = " + (long) e.num() * seqlen + " calibration tokens is too many: "
                        + io.autoround.Limits.CALIBRATION_TOKENS.howToRaise());
            }
        }
        return entries;
    }

    /** Entries with num= get exactly that many; the others share the rest evenly (reference rule). */
    private static List<int[]> mix(List<DatasetSpec.Entry> entries, List<List<int[]>> pools, int nsamples) {
        List<int[]> out = new ArrayList<>();
        int fixed = 0;
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).num() > 0) {
                List<int[]> p = pools.get(i);
                out.addAll(p.subList(0, Math.min(p.size(), entries.get(i).num())));
                fixed += entries.get(i).num();
            } else {
                free.add(i);
            }
        }
        free.sort(Comparator.comparingInt(i -> pools.get(i).size()));
        int remaining = Math.max(0, nsamples - fixed);
        for (int k = 0; k < free.size(); k++) {
            int share = remaining / (free.size() - k);
            List<int[]> p = pools.get(free.get(k));
            int take = Math.min(share, p.size());
            out.addAll(p.subList(0, take));
            remaining -= take;
        }
        return out;
    }

    private List<int[]> samplesOf(DatasetSpec.Entry e, int seqlen, int want, Random rng) {
        String name = e.name();
        Path p = Path.of(name);
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".txt")) {
            requireFile(p);
            return windows(tokenizer.encode(TextCorpus.readText(p)), seqlen, want, rng, name);
        }
        if (lower.endsWith(".json") || lower.endsWith(".jsonl")) {
            requireFile(p);
            List<String> records = new ArrayList<>(TextCorpus.readRecords(p));
            Collections.shuffle(records, rng);
            return fromRecords(records, e.concat(), seqlen, want);
        }
        if (name.equals("embedded") || name.equals(TextCorpus.EMBEDDED_NAME)) {
            return windows(tokenizer.encode(TextCorpus.embedded()), seqlen, want, rng, TextCorpus.EMBEDDED_NAME);
        }
        if (Files.exists(p)) {
            throw new IllegalArgumentException("calibration file " + p + ": unsupported type (use .txt, .json or .jsonl)");
        }
        try {
            List<String> records = new ArrayList<>(hub.load(name, e.requestedSplits()));
            Collections.shuffle(records, rng);
            return fromRecords(records, e.concat(), seqlen, want);
        } catch (HubDatasetLoader.HubUnavailableException ex) {
            log.println("warning: dataset '" + name + "' is unavailable (" + ex.getMessage() + "); falling back to the "
                    + "embedded public-domain corpus " + TextCorpus.EMBEDDED_NAME);
            return windows(tokenizer.encode(TextCorpus.embedded()), seqlen, want, rng, TextCorpus.EMBEDDED_NAME);
        }
    }

    private static void requireFile(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("calibration file not found: " + p);
        }
    }

    private List<int[]> fromRecords(List<String> records, boolean concat, int seqlen, int want) {
        List<int[]> out = new ArrayList<>();
        if (concat) {
            List<int[]> all = new ArrayList<>();
            for (String r : records) {
                all.add(tokenizer.encode(r));
            }
            out.addAll(SampleFilter.concat(all, seqlen, tokenizer.bosId(), tokenizer.eosId()));
            return out.subList(0, Math.min(out.size(), want));
        }
        for (String r : records) {
            if (out.size() >= want) {
                break;
            }
            int[] s = SampleFilter.accept(tokenizer.encode(r), seqlen);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** {@code want} windows of seqlen tokens at seeded random offsets, at most tokens/seqlen of them. */
    private static List<int[]> windows(int[] ids, int seqlen, int want, Random rng, String what) {
        int capacity = ids.length / seqlen;
        if (capacity == 0) {
            throw new IllegalArgumentException(what + " has " + ids.length + " tokens, fewer than seqlen " + seqlen);
        }
        int n = Math.min(want, capacity);
        List<int[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int off = rng.nextInt(ids.length - seqlen + 1);
            int[] w = new int[seqlen];
            System.arraycopy(ids, off, w, 0, seqlen);
            out.add(w);
        }
        return out;
    }
}
