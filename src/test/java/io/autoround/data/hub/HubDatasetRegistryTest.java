package io.autoround.data.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.model.hub.HubPlatform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference's registered names, aliases, lookup rule and per-dataset split rules. */
class HubDatasetRegistryTest {

    @Test
    void namesAndAliasesResolveToTheirRepos() {
        assertEquals("NeelNanda/pile-10k", HubDatasetRegistry.resolve("pile-10k").repoId());
        assertEquals("swift/pile-val-backup", HubDatasetRegistry.resolve("pile-val-backup").repoId());
        assertEquals(HubPlatform.MODELSCOPE, HubDatasetRegistry.resolve("swift/pile-val-backup").platform());
        assertEquals("BAAI/CCI3-HQ", HubDatasetRegistry.resolve("CCI3-HQ").repoId());
        assertEquals(TextExtraction.column("code"), HubDatasetRegistry.resolve("github-code-clean").text());
        assertEquals(List.of("train_sft"), HubDatasetRegistry.resolve("ultrachat_200k").defaultSplits());
        assertEquals(TextExtraction.column("content"), HubDatasetRegistry.resolve("openbmb/Ultra-FineWeb").text());
        assertEquals(TextExtraction.column("content"), HubDatasetRegistry.resolve("new-title-chinese").text());
        assertEquals("google-research-datasets/mbpp", HubDatasetRegistry.resolve("mbpp").repoId());
        assertEquals(List.of("train", "validation", "test"), HubDatasetRegistry.resolve("mbpp").defaultSplits());
        assertEquals(TextExtraction.join("\n", "input", "output"),
                HubDatasetRegistry.resolve("opencode-instruct").text());
    }

    @Test
    void unregisteredNamesMatchByLastComponentInRegistrationOrder() {
        assertEquals("NeelNanda/pile-10k", HubDatasetRegistry.resolve("mirror/pile-10k").repoId());
        // "pile" is contained in "NeelNanda/pile-10k" first, as the reference's dict order has it.
        assertEquals("NeelNanda/pile-10k", HubDatasetRegistry.resolve("someone/pile").repoId());
        assertEquals("HuggingFaceH4/ultrachat_200k", HubDatasetRegistry.resolve("x/ultrachat").repoId());
        assertEquals("HuggingFaceH4/ultrachat_200k", HubDatasetRegistry.registeredKey("x/ultrachat"));
        assertEquals("google-research-datasets/mbpp", HubDatasetRegistry.registeredKey("x/mbpp"));
        assertEquals("audiocaps", HubDatasetRegistry.registeredKey("lab/audio"));
        // No match: a generic hub dataset with a text column, at most a few shards.
        HubDatasetEntry generic = HubDatasetRegistry.resolve("my-org/my-corpus");
        assertEquals("my-org/my-corpus", generic.repoId());
        assertEquals(TextExtraction.column("text"), generic.text());
        assertEquals(HubDatasetRegistry.GENERIC_MAX_SHARDS, generic.maxShards());
    }

    @Test
    void unsupportedAndUnknownNamesAreClearErrors() {
        IllegalArgumentException audio = assertThrows(IllegalArgumentException.class,
                () -> HubDatasetRegistry.resolve("audiocaps"));
        assertTrue(audio.getMessage().contains("GitHub"), audio.getMessage());
        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class,
                () -> HubDatasetRegistry.resolve("wikitext"));
        assertTrue(bare.getMessage().contains("'wikitext' is not found") && bare.getMessage().contains("pile-10k"),
                bare.getMessage());
    }

    @Test
    void splitRulesFollowTheReference() {
        HubDatasetEntry pile = HubDatasetRegistry.resolve("pile-10k");
        assertEquals(List.of("train"), pile.splitsFor(List.of("test")), "pile always reads train");
        HubDatasetEntry mbpp = HubDatasetRegistry.resolve("mbpp");
        assertEquals(List.of("test"), mbpp.splitsFor(List.of("test")));
        assertEquals(List.of("train", "validation", "test"), mbpp.splitsFor(List.of()));
        HubDatasetEntry fineweb = HubDatasetRegistry.resolve("openbmb/Ultra-FineWeb");
        assertEquals(List.of("en"), fineweb.splitsFor(List.of()));
        assertEquals(List.of("zh"), fineweb.splitsFor(List.of("zh")));
        assertThrows(IllegalArgumentException.class, () -> fineweb.splitsFor(List.of("fr")));
    }
}
