"""The bridge to the Java library: host types, exception translation and value conversion.

Every call into Java goes through :func:`call`, so a Java exception surfaces as an ordinary Python exception
carrying the Java message (never a polyglot stack dump).
"""

import java
import polyglot


def jtype(name):
    """A Java class of the library (only io.autoround.* and a few JDK types are visible to Python)."""
    return java.type(name)


QuantizeOptions = jtype("io.autoround.api.QuantizeOptions")
JavaAutoRound = jtype("io.autoround.api.AutoRound")
Recipe = jtype("io.autoround.api.Recipe")
DemoAssets = jtype("io.autoround.api.DemoAssets")
SchemePresets = jtype("io.autoround.quant.scheme.SchemePresets")
JPath = jtype("java.nio.file.Path")
ArrayList = jtype("java.util.ArrayList")
LinkedHashMap = jtype("java.util.LinkedHashMap")
System = jtype("java.lang.System")
SignalCancellation = jtype("io.autoround.api.SignalCancellation")

# Java exception class -> Python exception class; the first match along the Java class hierarchy wins.
_EXCEPTIONS = (
    ("java.lang.UnsupportedOperationException", NotImplementedError),
    ("io.autoround.model.hub.HubException", OSError),
    ("java.io.UncheckedIOException", OSError),
    ("java.io.IOException", OSError),
    ("io.autoround.model.files.FileAccessException$PermissionDenied", PermissionError),
    ("io.autoround.model.files.FileAccessException$NotFound", FileNotFoundError),
    ("java.lang.IllegalArgumentException", ValueError),
    ("java.lang.IllegalStateException", RuntimeError),
    ("java.util.concurrent.CancellationException", RuntimeError),
    ("java.lang.OutOfMemoryError", MemoryError),
)


def _java_classes(exc):
    cls = exc.getClass()
    while cls is not None:
        yield cls.getName()
        cls = cls.getSuperclass()


def translate(exc):
    """The Python exception for a Java exception (its message, typed by what went wrong)."""
    message = exc.getMessage()
    names = list(_java_classes(exc))
    if message is None:
        message = names[0]
    for java_name, py_type in _EXCEPTIONS:
        if java_name in names:
            return py_type(str(message))
    return RuntimeError("%s: %s" % (names[0].rsplit(".", 1)[-1], message))


def _raise_if_signalled():
    """A SIGINT taken over by auto-round-python becomes KeyboardInterrupt, a SIGTERM SystemExit(143), as in CPython."""
    signal = SignalCancellation.signal()
    if signal is None:
        return
    SignalCancellation.clear()  # handled: an interactive prompt goes on
    if signal == "TERM":
        raise SystemExit(143)
    raise KeyboardInterrupt()


def call(fn, *args):
    """Calls a Java method; a Java exception is re-raised as the matching Python exception."""
    _raise_if_signalled()
    try:
        return fn(*args)
    except polyglot.ForeignException as e:
        if not hasattr(e, "getClass"):
            raise
        if "java.util.concurrent.CancellationException" in list(_java_classes(e)):
            _raise_if_signalled()  # the Java work stopped for a signal
        raised = translate(e)
    raise raised from None


def to_path(value):
    return JPath.of(str(value), [])


def java_list(items):
    out = ArrayList()
    for item in items:
        out.add(item)
    return out


def java_value(value):
    """A Python value for a Java Map<String, Object>: dicts and lists become Java collections."""
    if isinstance(value, dict):
        m = LinkedHashMap()
        for k, v in value.items():
            m.put(str(k), java_value(v))
        return m
    if isinstance(value, (list, tuple)):
        return java_list([java_value(v) for v in value])
    return value


def python_value(value):
    """A plain Python value from a Java value (maps, lists, boxed numbers, strings)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "entrySet"):
        return {str(e.getKey()): python_value(e.getValue()) for e in value.entrySet()}
    if hasattr(value, "toArray") and hasattr(value, "size"):
        return [python_value(v) for v in value]
    return str(value)
