package io.autoround.data.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Split file selection on the file lists of real hub dataset layouts. */
class SplitFilesTest {

    @Test
    void shardedParquetOfPushToHub() {
        List<String> pile = List.of(".gitattributes", "README.md",
                "data/train-00000-of-00001-4746b8785c874cc7.parquet");
        assertEquals(List.of("data/train-00000-of-00001-4746b8785c874cc7.parquet"),
                SplitFiles.select(pile, "train", null));
        assertEquals(List.of(), SplitFiles.select(pile, "validation", null));

        List<String> ultrachat = List.of("README.md", "data/test_gen-00000-of-00001-3d4cd8309148a71f.parquet",
                "data/test_sft-00000-of-00001-f7dfac4afe5b93f4.parquet",
                "data/train_gen-00000-of-00003-a6c9fb894be3e50b.parquet",
                "data/train_sft-00001-of-00003-58ca8a1a0ff1a4df.parquet",
                "data/train_sft-00000-of-00003-a3ecf92756993583.parquet");
        assertEquals(List.of("data/train_sft-00000-of-00003-a3ecf92756993583.parquet",
                "data/train_sft-00001-of-00003-58ca8a1a0ff1a4df.parquet"), SplitFiles.select(ultrachat, "train_sft", null));
        // train_sft / train_gen are other splits, not "train".
        assertEquals(List.of(), SplitFiles.select(ultrachat, "train", null));
        assertEquals(List.of("test_gen", "test_sft", "train_gen", "train_sft"), SplitFiles.splitsNamed(ultrachat));
    }

    @Test
    void configFoldersPreferTheRequestedConfigThenDefault() {
        List<String> mbpp = List.of("full/prompt-00000-of-00001.parquet", "full/test-00000-of-00001.parquet",
                "full/train-00000-of-00001.parquet", "sanitized/train-00000-of-00001.parquet");
        assertEquals(List.of("full/train-00000-of-00001.parquet"), SplitFiles.select(mbpp, "train", "full"));
        assertEquals(List.of("sanitized/train-00000-of-00001.parquet"), SplitFiles.select(mbpp, "train", "sanitized"));
        // Without a preference and without default/data folders: the first config by name.
        assertEquals(List.of("full/train-00000-of-00001.parquet"), SplitFiles.select(mbpp, "train", null));

        List<String> converted = List.of("default/train/0000.parquet", "default/train/0001.parquet",
                "default/validation/0000.parquet", "extra/train/0000.parquet");
        assertEquals(List.of("default/train/0000.parquet", "default/train/0001.parquet"),
                SplitFiles.select(converted, "train", null));
        assertEquals(List.of("default/validation/0000.parquet"), SplitFiles.select(converted, "validation", null));
    }

    @Test
    void keywordsAndPlainNamedFiles() {
        List<String> files = List.of("train.jsonl", "dev.json", "eval_data.csv.gz", "dataset_infos.json",
                "scripts/make.py");
        assertEquals(List.of("train.jsonl"), SplitFiles.select(files, "train", null));
        assertEquals(List.of("dev.json"), SplitFiles.select(files, "validation", null));
        assertEquals(List.of("eval_data.csv.gz"), SplitFiles.select(files, "test", null));

        assertEquals(List.of("val.jsonl.zst"), SplitFiles.select(List.of("val.jsonl.zst"), "validation", null));
        assertEquals(List.of("data/ultrafineweb_en/part-0001.parquet"), SplitFiles.select(
                List.of("data/ultrafineweb_en/part-0001.parquet", "data/ultrafineweb_zh/part-0001.parquet"), "en",
                null));
        // "devils" and "intervals" are not the dev / val keywords.
        assertEquals(List.of(), SplitFiles.select(List.of("devils.jsonl", "data/intervals.parquet"), "validation",
                null));
    }

    @Test
    void filesNamingNoSplitAllBelongToTrain() {
        List<String> cci = List.of("README.md", "dataset_infos.json", "data/part_00001.jsonl",
                "data/part_00000.jsonl", ".hidden/x.jsonl");
        assertEquals(List.of("data/part_00000.jsonl", "data/part_00001.jsonl"), SplitFiles.select(cci, "train", null));
        assertEquals(List.of(), SplitFiles.select(cci, "validation", null));
    }
}
