package io.autoround.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs python/tests (Python unittest) on GraalPy: one JUnit test per Python test method. */
class PythonUnitTestsTest {
    private static final String RUNNER = """
            import sys, unittest

            def _flatten(suite):
                for t in suite:
                    if isinstance(t, unittest.TestSuite):
                        yield from _flatten(t)
                    else:
                        yield t

            def discover(start, pattern):
                if start not in sys.path:
                    sys.path.insert(0, start)
                suite = unittest.defaultTestLoader.discover(start, pattern=pattern, top_level_dir=start)
                return list(_flatten(suite))

            def run_one(test):
                result = unittest.TestResult()
                test(result)
                problems = ["%s\\n%s" % (t, tb) for t, tb in result.errors + result.failures]
                return "\\n".join(problems)

            (discover, run_one)
            """;

    @TestFactory
    Stream<DynamicTest> pythonTests() {
        Value fns = SharedPython.context().eval("python", RUNNER);
        // -Dautoround.python.tests=test_x.py runs one file (targeted runs); the default is every test file
        String pattern = System.getProperty("autoround.python.tests", "test_*.py");
        Value tests = fns.getArrayElement(0).execute(SharedPython.pythonDir().resolve("tests").toString(), pattern);
        Value runOne = fns.getArrayElement(1);
        List<DynamicTest> out = new ArrayList<>();
        for (long i = 0; i < tests.getArraySize(); i++) {
            Value test = tests.getArrayElement(i);
            String id = test.invokeMember("id").asString();
            out.add(DynamicTest.dynamicTest(id, () -> assertEquals("", runOne.execute(test).asString(), id)));
        }
        // Guards against discovery silently finding nothing (a broken folder or pattern).
        assertTrue(out.size() >= (pattern.equals("test_*.py") ? 25 : 1), "only " + out.size() + " Python tests discovered");
        return out.stream();
    }
}
