package io.autoround.api;

import io.autoround.model.arch.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The reference's {@code to_quant_block_names} ({@code find_matching_blocks}): comma-separated regexes, each
 * searched ({@code re.search}) in every block name ({@code model.layers.0}, ...); the blocks matched by any are the
 * quantized blocks, the others keep full precision. Unset means every block; matching none is an error.
 */
final class QuantBlocks {
    private QuantBlocks() {}

    /** Indices of the blocks to quantize. */
    static Set<Integer> select(String toQuantBlockNames, Architecture arch) {
        Set<Integer> out = new TreeSet<>();
        if (toQuantBlockNames == null || toQuantBlockNames.isBlank()) {
            for (int b = 0; b < arch.numBlocks(); b++) {
                out.add(b);
            }
            return out;
        }
        List<Pattern> patterns = new ArrayList<>();
        for (String name : toQuantBlockNames.split(",")) {
            String n = name.strip();
            if (n.isEmpty()) {
                continue;
            }
            try {
                patterns.add(Pattern.compile(n));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("to_quant_block_names: '" + n + "' is not a valid regex ("
                        + e.getDescription() + ")");
            }
        }
        for (int b = 0; b < arch.numBlocks(); b++) {
            String block = arch.blockName(b);
            if (patterns.stream().anyMatch(p -> p.matcher(block).find())) {
                out.add(b);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("to_quant_block_names '" + toQuantBlockNames + "' matches no block of "
                    + "this model; its blocks are " + Architecture.BLOCK_PREFIX + ".0 to " + Architecture.BLOCK_PREFIX
                    + "." + (arch.numBlocks() - 1) + " (each name is a regex searched in the block names)");
        }
        return out;
    }
}
