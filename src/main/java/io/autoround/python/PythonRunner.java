package io.autoround.python;

import java.util.Arrays;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * Main class of {@code bin/auto-round-python}: runs a user's script ({@code script.py args}), a command
 * ({@code -c CODE args}), a module ({@code -m MODULE args}) or an interactive prompt (no arguments) on embedded
 * GraalPy with the {@code auto_round} package importable. sys.argv is passed through and the script's exit
 * status becomes the process's.
 */
public final class PythonRunner {
    /** Runs in Python so that SystemExit, tracebacks and the prompt behave as in CPython. */
    private static final String BOOTSTRAP = """
            import sys, os

            def _autoround_run_file(path):
                # what CPython does for `python script.py`: the script runs as a fresh __main__ module (runpy's
                # run_path would cost seconds of imports on GraalPy before the first line of the script)
                import builtins
                with open(path, "rb") as f:
                    code = compile(f.read(), path, "exec")
                main = type(sys)("__main__")
                main.__file__ = path
                main.__builtins__ = builtins
                main.__cached__ = None
                sys.modules["__main__"] = main
                exec(code, main.__dict__)

            def _autoround_main(mode, target, trace):
                if trace:
                    import java
                    java.type("io.autoround.python.StartupTrace").mark("user code starts")
                try:
                    if mode == "file":
                        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
                        _autoround_run_file(target)
                    elif mode == "module":
                        import runpy
                        sys.path.insert(0, os.getcwd())
                        runpy.run_module(target, run_name="__main__", alter_sys=True)
                    elif mode == "code":
                        sys.path.insert(0, "")
                        exec(compile(target, "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
                    else:
                        import code
                        sys.path.insert(0, "")
                        code.interact(banner="Python %s on GraalPy, with auto_round (AutoRound for Java). Ctrl-D exits."
                                      % sys.version.split()[0], exitmsg="")
                except SystemExit as e:
                    c = e.code
                    if c is None:
                        return 0
                    if isinstance(c, int):
                        return c
                    print(c, file=sys.stderr)
                    return 1
                except KeyboardInterrupt:
                    # as CPython: a traceback ending in KeyboardInterrupt, and the status of a process ended by SIGINT
                    import traceback  # imported only when needed: it costs start-up time on GraalPy
                    traceback.print_exc()
                    return 130
                except BaseException:
                    # Show the user's frames only, as CPython does for a script.
                    import traceback
                    kind, value, tb = sys.exc_info()
                    while tb is not None and (tb.tb_frame.f_code.co_filename == "<auto-round-python>"
                                              or tb.tb_frame.f_code.co_filename.endswith("runpy.py")):
                        tb = tb.tb_next
                    traceback.print_exception(kind, value, tb)
                    return 1
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                return 0

            _autoround_main
            """;

    private PythonRunner() {}

    /** Runs the request and returns the exit status. */
    public static int run(String... args) {
        return run(null, args);
    }

    /** Runs the request on {@code engine} (null: a private one) and returns the exit status. */
    static int run(org.graalvm.polyglot.Engine engine, String... args) {
        String mode;
        String target;
        String[] argv;
        if (args.length == 0) {
            mode = "prompt";
            target = "";
            argv = new String[] {""};
        } else if (args[0].equals("-c")) {
            if (args.length < 2) {
                System.err.println("auto-round-python: -c needs an argument (the code to run)");
                return 2;
            }
            mode = "code";
            target = args[1];
            argv = concat("-c", Arrays.copyOfRange(args, 2, args.length));
        } else if (args[0].equals("-m")) {
            if (args.length < 2) {
                System.err.println("auto-round-python: -m needs an argument (the module to run)");
                return 2;
            }
            mode = "module";
            target = args[1];
            argv = concat("-m", Arrays.copyOfRange(args, 2, args.length));
        } else if (args[0].equals("-h") || args[0].equals("--help")) {
            System.out.println("usage: auto-round-python [script.py [args...] | -c CODE [args...] | -m MODULE [args...]]\n"
                    + "Runs Python on GraalPy with the auto_round package (AutoRound for Java); no arguments opens a prompt.");
            return 0;
        } else {
            mode = "file";
            target = args[0];
            if (!new java.io.File(target).isFile()) {
                System.err.println("auto-round-python: can't open file '" + target + "': no such file");
                return 2;
            }
            argv = args;
        }
        StartupTrace.mark("main");
        try (Context ctx = PythonContexts.create(engine, System.in, System.out, System.err, argv)) {
            StartupTrace.mark("context built");
            Value main = ctx.eval(Source.newBuilder("python", BOOTSTRAP, "<auto-round-python>").buildLiteral());
            StartupTrace.mark("bootstrap evaluated");
            return main.execute(mode, target, StartupTrace.enabled()).asInt();
        } catch (PolyglotException e) {
            if (e.isExit()) {
                return e.getExitStatus();
            }
            System.err.println("auto-round-python: " + e.getMessage());
            return 1;
        }
    }

    private static String[] concat(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    public static void main(String[] args) {
        // Ctrl-C stops the Java work at its next safe point and reaches the script as KeyboardInterrupt (SIGTERM as
        // SystemExit(143)), instead of the JVM exiting under a thread inside libtorch
        io.autoround.api.SignalCancellation.install();
        System.exit(run(args));
    }
}
