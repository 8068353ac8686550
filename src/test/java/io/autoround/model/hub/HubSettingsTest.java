package io.autoround.model.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Environment variables map to settings the way huggingface_hub / modelscope read them. */
class HubSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsFollowHuggingFaceHub() {
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_HOME", dir.toString()));
        assertEquals(HubPlatform.HUGGING_FACE, s.platform());
        assertEquals("https://huggingface.co", s.endpoint());
        assertEquals(dir.resolve("hub"), s.cacheDir());
        assertNull(s.token());
        assertFalse(s.offline());

        HubSettings xdg = HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", dir.toString()));
        assertEquals(dir.resolve("huggingface/hub"), xdg.cacheDir());

        HubSettings home = HubSettings.fromEnvironment(Map.of());
        assertEquals(Path.of(System.getProperty("user.home"), ".cache/huggingface/hub"), home.cacheDir());
    }

    @Test
    void platformPerCallOverridesTheEnvironment() {
        Map<String, String> env = Map.of("MODELSCOPE_CACHE", dir.resolve("ms").toString(), "HF_HOME", dir.toString());
        HubSettings ms = HubSettings.forPlatform(env, "model_scope");
        assertEquals(HubPlatform.MODELSCOPE, ms.platform());
        assertEquals("https://www.modelscope.cn", ms.endpoint());
        assertEquals(dir.resolve("ms/hf-layout"), ms.cacheDir());
        assertEquals(HubPlatform.HUGGING_FACE, HubSettings.forPlatform(env, null).platform());
        Map<String, String> msEnv = Map.of("AR_USE_MODELSCOPE", "1", "HF_HOME", dir.toString());
        assertEquals(HubPlatform.HUGGING_FACE, HubSettings.forPlatform(msEnv, "hf").platform());
        assertEquals(HubPlatform.MODELSCOPE, HubSettings.forPlatform(msEnv, null).platform());
        assertThrows(IllegalArgumentException.class, () -> HubSettings.forPlatform(env, "s3"));
    }

    @Test
    void explicitCacheEndpointAndOffline() {
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_HOME", "/ignored", "HF_HUB_CACHE", dir.toString(),
                "HF_ENDPOINT", "https://hf-mirror.com/", "HF_HUB_OFFLINE", "yes"));
        assertEquals(dir, s.cacheDir());
        assertEquals("https://hf-mirror.com", s.endpoint());
        assertTrue(s.offline());
        assertEquals(dir, HubSettings.fromEnvironment(Map.of("HUGGINGFACE_HUB_CACHE", dir.toString())).cacheDir());
        assertTrue(HubSettings.fromEnvironment(Map.of("TRANSFORMERS_OFFLINE", "1")).offline());
        assertFalse(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "0")).offline());
        assertEquals(Path.of(System.getProperty("user.home"), "models"),
                HubSettings.fromEnvironment(Map.of("HF_HUB_CACHE", "~/models")).cacheDir());
    }

    @Test
    void tokenPrecedenceEnvThenLegacyEnvThenTokenFile() throws IOException {
        Files.writeString(dir.resolve("token"), "hf_from_file\n");
        assertEquals("hf_from_file", HubSettings.fromEnvironment(Map.of("HF_HOME", dir.toString())).token());
        assertEquals("hf_legacy", HubSettings.fromEnvironment(
                Map.of("HF_HOME", dir.toString(), "HUGGING_FACE_HUB_TOKEN", "hf_legacy")).token());
        assertEquals("hf_env", HubSettings.fromEnvironment(Map.of("HF_HOME", dir.toString(),
                "HUGGING_FACE_HUB_TOKEN", "hf_legacy", "HF_TOKEN", "hf_env")).token());
        Path other = dir.resolve("elsewhere");
        Files.writeString(other, "hf_path_var");
        assertEquals("hf_path_var", HubSettings.fromEnvironment(Map.of("HF_HOME", dir.toString(),
                "HF_TOKEN_PATH", other.toString())).token());
    }

    @Test
    void toStringNeverShowsTheToken() {
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_TOKEN", "hf_very_secret", "HF_HOME", dir.toString()));
        assertFalse(s.toString().contains("hf_very_secret"), s.toString());
        assertTrue(s.toString().contains("token=***"));
    }

    @Test
    void modelScopeMode() {
        HubSettings s = HubSettings.fromEnvironment(Map.of("AR_USE_MODELSCOPE", "true", "MODELSCOPE_CACHE",
                dir.toString(), "HF_TOKEN", "hf_not_for_modelscope", "MODELSCOPE_API_TOKEN", "ms_token"));
        assertEquals(HubPlatform.MODELSCOPE, s.platform());
        assertEquals("https://www.modelscope.cn", s.endpoint());
        assertEquals(dir.resolve("hf-layout"), s.cacheDir());
        assertEquals("ms_token", s.token());
        assertEquals("MODELSCOPE_API_TOKEN", s.tokenVariable());
        assertEquals("master", s.platform().defaultRevision());
        assertEquals("https://modelscope.ai", HubSettings.fromEnvironment(
                Map.of("AR_USE_MODELSCOPE", "1", "MODELSCOPE_DOMAIN", "modelscope.ai")).endpoint());
        assertEquals(HubPlatform.HUGGING_FACE, HubSettings.fromEnvironment(Map.of("AR_USE_MODELSCOPE", "0")).platform());
    }

    @Test
    void badEndpointIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "huggingface.co")));
        assertTrue(e.getMessage().contains("huggingface.co"), e.getMessage());
    }
}
