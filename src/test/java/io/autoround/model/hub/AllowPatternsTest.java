package io.autoround.model.hub;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fnmatch semantics as huggingface_hub's allow_patterns. */
class AllowPatternsTest {

    @Test
    void starMatchesAcrossFolders() {
        AllowPatterns p = AllowPatterns.of(List.of("*.json"));
        assertTrue(p.allows("config.json"));
        assertTrue(p.allows("sub/dir/config.json"));
        assertFalse(p.allows("config.json.bak"));
    }

    @Test
    void questionMarkClassesAndFolders() {
        assertTrue(AllowPatterns.of(List.of("model-0000?-of-00002.safetensors")).allows("model-00001-of-00002.safetensors"));
        assertFalse(AllowPatterns.of(List.of("model-0000?-of-00002.safetensors")).allows("model-001-of-00002.safetensors"));
        assertTrue(AllowPatterns.of(List.of("part-[0-4].bin")).allows("part-3.bin"));
        assertFalse(AllowPatterns.of(List.of("part-[!0-4].bin")).allows("part-3.bin"));
        assertTrue(AllowPatterns.of(List.of("data/")).allows("data/train/x.parquet"));
        assertFalse(AllowPatterns.of(List.of("data/")).allows("other/data.parquet"));
        assertTrue(AllowPatterns.of(List.of("a+b (1).txt")).allows("a+b (1).txt"), "regex characters are literal");
    }

    @Test
    void emptyAllowsEverything() {
        assertTrue(AllowPatterns.of(null).allows("anything"));
        assertTrue(AllowPatterns.of(List.of()).allows("x/y"));
        assertEquals(".*\\Q.\\Ejson", AllowPatterns.toRegex("*.json"));
    }
}
