"""scripts/architecture: its parsers on small inputs, `--check` on a stale copy of the doc, and
one rule it makes checkable: every IPC command in `COMMANDS` has a `ui/ipc.js`
function, and `ui/ipc.js` invokes no other name.

    python3 -m unittest discover -s tests/architecture
"""

import contextlib
import importlib.machinery
import importlib.util
import io
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_loader = importlib.machinery.SourceFileLoader("architecture", str(ROOT / "scripts/architecture"))
_spec = importlib.util.spec_from_loader("architecture", _loader)
arch = importlib.util.module_from_spec(_spec)
_loader.exec_module(arch)


class Parsers(unittest.TestCase):
    def test_header_is_the_first_sentence_or_empty(self):
        self.assertEqual(arch.header("//! One. Two.\n//! Three.\n\nuse x;\n", "//!"), "One.")
        self.assertEqual(arch.header("//! Wrapped\n//! line.\n", "//!"), "Wrapped line.")
        self.assertEqual(arch.header("// A plain comment.\npub const X: u8 = 1;\n", "//!"), "")
        self.assertEqual(arch.header("", "//!"), "")
        self.assertEqual(arch.header("// The page.\n//\n// More.\n", "//"), "The page.")

    def test_comments_strings_and_chars_are_not_code(self):
        code = arch.strip_rust(
            'let a = "crate::x // {"; // crate::y\n'
            "/* crate::z /* nested */ */ let b = '{'; let c = r#\"crate::w\"#;\n"
            "fn f<'a>(s: &'a str) {}\n"
        )
        self.assertEqual(arch.paths_after(code, "crate"), set())
        self.assertEqual(code.count("\n"), 3)
        self.assertEqual(code.count("{"), code.count("}"))

    def test_use_groups_and_paths_give_their_first_segment(self):
        code = arch.rust_code(
            "use crate::{fields::{self, KindName}, otp::Secret};\n"
            "use crate::uri;\n"
            "fn f() { crate::vault::now_unix(); }\n"
            "use cogauth_core::{self, Code, transfer::{self, Input}};\n"
        )
        self.assertEqual(arch.paths_after(code, "crate"), {"fields", "otp", "uri", "vault"})
        self.assertEqual(arch.paths_after(code, "cogauth_core"), {"Code", "transfer"})

    def test_test_modules_are_left_out(self):
        text = (
            "use crate::a;\n"
            "#[cfg(test)]\n#[allow(clippy::expect_used)]\nmod tests {\n"
            "    use crate::b;\n    fn g() { let s = \"}\"; }\n}\n"
            "#[cfg(test)]\nmod security_tests;\n"
            "fn h() { crate::c::go(); }\n"
        )
        code, test_files = arch.without_tests(arch.strip_rust(text))
        self.assertEqual(arch.paths_after(code, "crate"), {"a", "c"})
        self.assertEqual(test_files, {"security_tests"})

    def test_toml_tables_inline_tables_and_arrays(self):
        toml = arch.parse_toml(
            '[workspace]\nmembers = [\n  "a", # first\n  "b",\n]\n'
            '[dependencies]\nx = { path = "../x", features = ["f"] }\ny = "1"\n'
            '[[bin]]\nname = "one"\n[[bin]]\nname = "two"\n'
        )
        self.assertEqual(toml["workspace"]["members"], ["a", "b"])
        self.assertEqual(toml["dependencies"]["x"], {"path": "../x", "features": ["f"]})
        self.assertEqual(toml["dependencies"]["y"], "1")
        self.assertEqual([b["name"] for b in toml["bin"]], ["one", "two"])

    def test_cells_are_escaped_and_cut_without_breaking_code_spans(self):
        self.assertEqual(arch.cell(""), "—")
        self.assertEqual(arch.cell("a | b <head> `<x>`"), "a \\| b &lt;head&gt; `<x>`")
        self.assertEqual(arch.cell("Reads [`crate::scan`]."), "Reads `crate::scan`.")
        long = "Start: " + "word " * 10 + "`a code span that goes on " + "and on " * 10 + "`."
        cut = arch.cell(long)
        self.assertTrue(cut.endswith("…"), cut)
        self.assertEqual(cut.count("`") % 2, 0, cut)


class Check(unittest.TestCase):
    def run_main(self, *args):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            return arch.main(["scripts/architecture", *args]), err.getvalue()

    def test_check_fails_on_a_changed_byte_and_generating_fixes_it(self):
        doc = (ROOT / arch.DOC).read_text(encoding="utf-8")
        start = doc.index(arch.BEGIN) + len(arch.BEGIN)
        stale = doc[:start] + doc[start:].replace("flowchart", "flowchart ", 1)
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "architecture.md"
            copy.write_text(stale, encoding="utf-8")
            saved = arch.DOC
            arch.DOC = str(copy)  # absolute: ROOT / DOC is the copy
            try:
                status, message = self.run_main("--check")
                self.assertEqual(status, 1)
                self.assertEqual(len(message.strip().splitlines()), 1, message)
                self.assertEqual(self.run_main()[0], 0)
                self.assertEqual(self.run_main("--check")[0], 0)
                self.assertEqual(copy.read_text(encoding="utf-8"), doc)
            finally:
                arch.DOC = saved


class Code(unittest.TestCase):
    def test_every_command_has_one_ipc_function_and_no_other_is_invoked(self):
        commands = arch.string_array(arch.COMMAND_NAMES, "COMMANDS")
        self.assertEqual(len(commands), len(set(commands)), "a command is listed twice")
        gateways, ipc = arch.ipc_functions(arch.ui_modules())
        self.assertEqual(gateways, ["ipc.js"], "only ui/ipc.js may talk to Tauri")
        missing = [c for c in commands if c not in ipc]
        unknown = sorted(set(ipc) - set(commands))
        self.assertEqual(missing, [], f"commands without a ui/ipc.js function: {missing}")
        self.assertEqual(unknown, [], f"ui/ipc.js invokes names not in COMMANDS: {unknown}")


if __name__ == "__main__":
    unittest.main()
