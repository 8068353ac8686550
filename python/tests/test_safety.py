"""Output folders through the facade: paths resolve against os.getcwd(), and nothing but a checkpoint
auto-round wrote is ever replaced (never the model, the working directory, or a folder with the user's files)."""

import os
import shutil

from auto_round import AutoRound
from _support import DEMO, TempDirTestCase, folder_hashes

RTN = dict(scheme="W4A16", group_size=32, iters=0, disable_opt_rtn=True)  # model-free: writes output_dir itself


snapshot = folder_hashes


def temp_leftovers(folder):
    found = []
    for _root, dirs, _files in os.walk(folder):
        found += [d for d in dirs if ".tmp-" in d or ".old-" in d]
    return found


class OutputSafetyTest(TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.model = os.path.join(self.tmp, "models", "stories")
        shutil.copytree(DEMO, self.model)
        self.before = snapshot(self.model)
        self.cwd = os.getcwd()

    def tearDown(self):
        os.chdir(self.cwd)
        super().tearDown()

    def assert_untouched(self):
        self.assertEqual(self.before, snapshot(self.model), "model folder unchanged")
        self.assertEqual([], temp_leftovers(self.tmp), "no temporary folder left")

    def refused(self, fragment, output_dir, **kwargs):
        ar = AutoRound(kwargs.pop("model", self.model), **dict(RTN, **kwargs))
        with self.assertRaises(ValueError) as cm:
            ar.quantize_and_save(output_dir)
        self.assertIn(fragment, str(cm.exception))
        self.assertNotIn("at io.autoround", str(cm.exception))
        self.assert_untouched()
        return str(cm.exception)

    def test_relative_paths_after_chdir_resolve_against_python_cwd(self):
        work = os.path.join(self.tmp, "work")
        os.makedirs(work)
        os.chdir(work)
        with open("calib.txt", "w", encoding="utf-8") as f:
            f.write("Once upon a time there was a little dog. " * 50)
        ar = AutoRound(os.path.join("..", "models", "stories"), dataset="calib.txt:num=2", **RTN)
        self.assertEqual(os.path.join(work, "calib.txt") + ":num=2", ar._options.dataset)
        _model, folder = ar.quantize_and_save("out")
        self.assertEqual(os.path.join(work, "out"), folder)
        self.assertTrue(os.path.isfile(os.path.join(work, "out", "model.safetensors")))
        self.assert_untouched()

    def test_cwd_after_chdir_and_folders_above_it_are_refused(self):
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        os.chdir(empty)  # an empty folder passes the Java checks (not the JVM's cwd): the facade must refuse it
        self.refused("the current working directory (os.getcwd())", ".")
        self.assertTrue(os.path.isdir(empty))
        self.assertEqual([], os.listdir(empty))
        work = os.path.join(self.tmp, "work")
        os.makedirs(work)
        with open(os.path.join(work, "notes.txt"), "w", encoding="utf-8") as f:
            f.write("mine")
        os.chdir(work)
        self.refused("never replaced", ".")
        self.refused("contains the model folder", "..")
        with open(os.path.join(work, "notes.txt"), encoding="utf-8") as f:
            self.assertEqual("mine", f.read())

    def test_model_folder_parent_and_symlink_are_refused(self):
        self.refused("is the model folder", self.model)
        self.refused("contains the model folder", os.path.dirname(self.model))
        link = os.path.join(self.tmp, "current")
        os.symlink(self.model, link)
        self.refused("is the model folder", link)

    def test_folder_with_user_files_is_never_replaced(self):
        docs = os.path.join(self.tmp, "docs")
        os.makedirs(docs)
        with open(os.path.join(docs, "cv.txt"), "w", encoding="utf-8") as f:
            f.write("private")
        msg = self.refused("not a checkpoint written by auto-round", docs)
        self.assertIn(docs, msg)
        with open(os.path.join(docs, "cv.txt"), encoding="utf-8") as f:
            self.assertEqual("private", f.read())

    def test_a_checkpoint_written_before_is_replaced_like_the_reference_writes_into_it(self):
        out = os.path.join(self.tmp, "q")
        AutoRound(self.model, **RTN).quantize_and_save(out)
        with open(os.path.join(out, "extra.txt"), "w", encoding="utf-8") as f:
            f.write("from an earlier run")
        _model, folder = AutoRound(self.model, **RTN).quantize_and_save(out)
        self.assertEqual(out, folder)
        self.assertFalse(os.path.exists(os.path.join(out, "extra.txt")))
        self.assertTrue(os.path.isfile(os.path.join(out, "model.safetensors")))
        self.assert_untouched()
