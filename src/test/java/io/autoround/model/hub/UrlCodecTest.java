package io.autoround.model.hub;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** URL encoding matches Python's urllib.parse.quote / quote_plus as huggingface_hub and modelscope use them. */
class UrlCodecTest {

    @Test
    void revisionsAreFullyQuoted() {
        assertEquals("refs%2Fpr%2F1", UrlCodec.segment("refs/pr/1"));
        assertEquals("v1.0-rc_2~x", UrlCodec.segment("v1.0-rc_2~x"));
        assertEquals("a%20b%2A", UrlCodec.segment("a b*"));
    }

    @Test
    void filePathsKeepSlashes() {
        assertEquals("sub%20dir/file%2Bname.json", UrlCodec.path("sub dir/file+name.json"));
        assertEquals("%C3%A9t%C3%A9.txt", UrlCodec.path("été.txt"));
    }

    @Test
    void queryValuesUseFormEncoding() {
        assertEquals("shards%2Fa+b.jsonl", UrlCodec.query("shards/a b.jsonl"));
    }
}
