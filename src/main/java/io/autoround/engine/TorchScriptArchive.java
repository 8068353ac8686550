package io.autoround.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds, in memory, the file that {@code torch.jit.load} reads for a TorchScript module with no parameters and no
 * buffers: a zip with the module object pickled in {@code data.pkl}, its class's TorchScript source in
 * {@code code/__torch__.py} (libtorch compiles it at load), an empty {@code constants.pkl}, the format
 * {@code version} and the {@code byteorder}. That is the whole format for such a module (what
 * {@code torch.jit.save} writes for a scripted {@code nn.Module} without state, minus the optional debug tables), so
 * a Java program can ship TorchScript functions as source text and let libtorch's graph executor fuse their
 * elementwise chains into single GPU kernels, which DJL's op-by-op API cannot do.
 */
public final class TorchScriptArchive {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private TorchScriptArchive() {}

    /**
     * The archive of a stateless module.
     *
     * @param className the class name as it appears in {@code source} (the module is {@code __torch__.className})
     * @param methods the body of the class after its header: method definitions in serialized TorchScript syntax
     *     (two-space indentation, {@code self: __torch__.className} as the first parameter)
     */
    public static byte[] of(String className, String methods) {
        if (!IDENTIFIER.matcher(className).matches()) {
            throw new IllegalArgumentException("not a TorchScript class name: '" + className + "'");
        }
        String source = "class " + className + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  _is_full_backward_hook : Optional[bool]\n"
                + methods;
        String root = className.toLowerCase(java.util.Locale.ROOT) + "/";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, root + "data.pkl", moduleObjectPickle(className));
            stored(zip, root + "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            stored(zip, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // an empty tuple
            stored(zip, root + "version", "4\n".getBytes(StandardCharsets.US_ASCII));
            stored(zip, root + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Pickle protocol 2 of {@code __torch__.className()} with the two attributes every scripted module carries:
     * {@code training = True}, {@code _is_full_backward_hook = None}.
     */
    private static byte[] moduleObjectPickle(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2); // PROTO 2
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        p.write(')'); // EMPTY_TUPLE
        p.write(0x81); // NEWOBJ
        p.write('}'); // EMPTY_DICT
        p.write('('); // MARK
        unicode(p, "training");
        p.write(0x88); // NEWTRUE
        unicode(p, "_is_full_backward_hook");
        p.write('N'); // NONE
        p.write('u'); // SETITEMS
        p.write('b'); // BUILD
        p.write('.'); // STOP
        return p.toByteArray();
    }

    private static void unicode(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write('X'); // BINUNICODE, 4-byte little-endian length
        for (int i = 0; i < 4; i++) {
            p.write((b.length >>> (8 * i)) & 0xff);
        }
        p.writeBytes(b);
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
