package dev.ergon.filer.jclouds;

import static java.util.Objects.requireNonNull;

import com.google.common.io.ByteSource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * A slice of a file as a repeatable body that computes the MD5 of the bytes while they are being
 * sent, so a part is read from disk once instead of once to hash it and once to send it.
 *
 * <p>Every {@link #openStream()} starts a fresh digest (jclouds may open a body more than once, to
 * sign it or to retry); {@link #md5()} is the digest of the last stream that was read to its
 * end, which is the one the store received when the request succeeded. Thread-safe: streams are
 * independent, the result is published through a volatile field.
 */
final class DigestingSlice extends ByteSource {
    private final ByteSource slice;
    private final long length;
    private final boolean digest;
    private volatile byte[] md5;

    /**
     * @param file the file
     * @param offset where the slice starts, in bytes
     * @param length the slice's length in bytes
     * @param digest whether to compute the MD5 (false: a plain slice, {@link #md5()} stays empty)
     */
    DigestingSlice(Path file, long offset, long length, boolean digest) {
        requireNonNull(file, "file is null");
        this.slice = com.google.common.io.Files.asByteSource(file.toFile()).slice(offset, length);
        this.length = length;
        this.digest = digest;
    }

    @Override
    public InputStream openStream() throws IOException {
        InputStream in = slice.openStream();
        return digest ? new Digesting(in) : in;
    }

    @Override
    public com.google.common.base.Optional<Long> sizeIfKnown() {
        return com.google.common.base.Optional.of(length);
    }

    @Override
    public long size() {
        return length;
    }

    /** The MD5 of the bytes of the last stream read to its end; empty before that. */
    Optional<byte[]> md5() {
        byte[] m = md5;
        return m == null ? Optional.empty() : Optional.of(m.clone());
    }

    private final class Digesting extends FilterInputStream {
        private final MessageDigest md = newMd5();
        private long seen;
        private boolean done;

        Digesting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                md.update((byte) b);
                seen(1);
            } else {
                seen(0);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                md.update(b, off, n);
                seen(n);
            } else if (n < 0) {
                seen(0);
            }
            return n;
        }

        @Override
        public long skip(long n) {
            // Skipping would leave bytes out of the digest; nothing in an upload skips.
            throw new UnsupportedOperationException("a digesting upload body cannot skip");
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** Publishes the digest once, when the stream has delivered exactly the slice. */
        private void seen(int n) {
            seen += n;
            if (!done && seen == length) {
                done = true;
                md5 = md.digest();
            }
        }
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }
}
