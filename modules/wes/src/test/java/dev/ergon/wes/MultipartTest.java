package dev.ergon.wes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartTest {
    private record Got(String name, Optional<String> filename, byte[] body) {}

    private static List<Got> parse(byte[] body, String boundary, boolean trickle) throws IOException {
        InputStream in = new ByteArrayInputStream(body);
        if (trickle) {
            InputStream raw = in;
            in =
                    new InputStream() { // one byte per read: boundaries fall across every buffer edge
                        @Override
                        public int read() throws IOException {
                            return raw.read();
                        }

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            return len == 0 ? 0 : raw.read(b, off, 1);
                        }
                    };
        }
        Multipart mp = new Multipart(in, boundary, 10_000_000);
        List<Got> out = new ArrayList<>();
        Optional<Multipart.Part> p;
        while ((p = mp.next()).isPresent()) {
            out.add(new Got(p.get().name(), p.get().filename(), p.get().body().readAllBytes()));
        }
        return out;
    }

    @Test
    void readsFieldsAndBinaryFilesWhateverTheReadSizes() throws IOException {
        byte[] binary = new byte[200_000];
        new Random(7).nextBytes(binary);
        // content that looks almost like a delimiter must survive
        byte[] tricky = "line\r\n--notTheBoundary\r\n--bound\r\nend".getBytes(StandardCharsets.UTF_8);
        Form f = new Form()
                .field("workflow_type", "CWL")
                .attach("dir/a.bin", binary)
                .attach("t.txt", tricky)
                .fileField("tags", "{}");
        for (boolean trickle : new boolean[] {false, true}) {
            List<Got> got = parse(f.bytes(), f.boundary, trickle);
            assertEquals(4, got.size());
            assertEquals("CWL", new String(got.get(0).body(), StandardCharsets.UTF_8));
            assertEquals(Optional.of("dir/a.bin"), got.get(1).filename());
            assertTrue(java.util.Arrays.equals(binary, got.get(1).body()));
            assertTrue(java.util.Arrays.equals(tricky, got.get(2).body()));
            assertEquals(Optional.of("tags.json"), got.get(3).filename());
        }
    }

    @Test
    void preambleQuotedParametersAndRfc5987FileNames() throws IOException {
        String body = "preamble to ignore\r\n--b1\r\nContent-Disposition: form-data; name=\"workflow_attachment\"; "
                + "filename*=UTF-8''sub%2Fn%C3%A4me.txt\r\n\r\nx\r\n--b1\r\nContent-Disposition: form-data; name=\"a\"; "
                + "filename=\"q\\\"uote.txt\"\r\n\r\ny\r\n--b1--\r\n";
        List<Got> got = parse(body.getBytes(StandardCharsets.UTF_8), "b1", false);
        assertEquals(Optional.of("sub/näme.txt"), got.get(0).filename());
        assertEquals(Optional.of("q\"uote.txt"), got.get(1).filename());
    }

    @Test
    void truncatedOrOversizedBodiesAreRejected() {
        byte[] truncated =
                "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end".getBytes(StandardCharsets.UTF_8);
        ErgonException e = assertThrows(ErgonException.class, () -> parse(truncated, "b", false));
        assertEquals("body", e.field().orElse(""));
        Form big = new Form().attach("x", new byte[5000]);
        ErgonException tooLarge = assertThrows(ErgonException.class, () -> {
            Multipart mp = new Multipart(new ByteArrayInputStream(big.bytes()), big.boundary, 1000);
            mp.next().orElseThrow().body().readAllBytes();
        });
        assertEquals(ErrorKind.TOO_LARGE, tooLarge.kind());
        assertEquals(
                "Content-Type",
                assertThrows(ErgonException.class, () -> Multipart.boundary("application/json"))
                        .field()
                        .orElse(""));
        assertEquals("b c", Multipart.boundary("multipart/form-data; boundary=\"b c\""));
    }

    @Test
    void attachmentPathsAreNormalisedOrRejected() {
        assertEquals("a/b.txt", RunForm.attachmentPath("./a/b.txt", "f"));
        assertEquals("a/b.txt", RunForm.attachmentPath("a\\b.txt", "f"));
        for (String bad :
                new String[] {"", "/abs", "../x", "a/../../x", "a//b", "C:/x", "a/\u0001", ".ergon-params.json"}) {
            assertEquals(
                    "f",
                    assertThrows(ErgonException.class, () -> RunForm.attachmentPath(bad, "f"))
                            .field()
                            .orElse(""),
                    bad);
        }
    }
}
