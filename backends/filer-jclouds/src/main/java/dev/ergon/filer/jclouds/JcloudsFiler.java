package dev.ergon.filer.jclouds;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.HashCode;
import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.FileStat;
import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerCapability;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.StorageType;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.io.ContentMetadata;
import org.jclouds.io.Payload;
import org.jclouds.io.Payloads;

/**
 * Serves object-store URLs through Apache jclouds blobstore: {@code s3://bucket/key} (AWS S3 and
 * S3-compatible servers), {@code gs://bucket/key} (Google Cloud Storage), {@code
 * azure://container/blob} and {@code az://…} (Azure Blob Storage), {@code swift://container/object}
 * (OpenStack Swift). Only the stores whose credentials are configured are served ({@link
 * #schemes()}); credentials come from configuration only, never from a URL.
 *
 * <p>Transfers stream between the network and a file: a download lands in a temporary file beside
 * the target that is moved into place only when complete and verified; an upload larger than
 * {@link JcloudsFilerConfig#multipartThreshold()} goes in parts of {@link
 * JcloudsFilerConfig#partSize()} (several at once), each read from its slice of the file.
 *
 * <p>Checksums: a single-part upload sends its body's MD5 ({@code Content-MD5}), so the store
 * rejects damaged bytes; a multipart upload hashes each part while sending it (one read of the
 * file) and compares that MD5 with the part's ETag, aborting the upload on a mismatch, so a
 * damaged object is never completed. The S3 multipart ETag is checked as well. A download of a single-part object is checked against its MD5. A
 * mismatch is {@link ErrorKind#BACKEND_UNAVAILABLE}, so staging retries.
 *
 * <p>Errors: a missing object, bucket or container {@link ErrorKind#NOT_FOUND} naming the URL;
 * refused credentials {@link ErrorKind#INVALID_INPUT} naming the config keys to check; server
 * errors (5xx), throttling and I/O failures {@link ErrorKind#BACKEND_UNAVAILABLE} after jclouds'
 * own retries. Messages never contain a credential. Thread-safe.
 */
public final class JcloudsFiler implements Filer {
    private static final System.Logger LOG = System.getLogger(JcloudsFiler.class.getName());
    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern MULTIPART_ETAG = Pattern.compile("([0-9a-fA-F]{32})-(\\d+)");
    private static final String CONTENT_TYPE = "application/octet-stream";
    private static final int BUFFER = 64 * 1024;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final JcloudsFilerConfig config;
    private final Map<StoreConfig, BlobStoreContext> contexts;
    private final Set<String> schemes;

    /**
     * Builds a jclouds context for every configured store (no request is sent yet).
     *
     * @throws ErgonException INVALID_INPUT naming the keys when jclouds refuses a store's settings
     */
    public JcloudsFiler(JcloudsFilerConfig config) {
        this.config = requireNonNull(config, "config is null");
        Map<StoreConfig, BlobStoreContext> built = new LinkedHashMap<>();
        try {
            for (StoreConfig store : config.stores()) {
                built.put(store, JcloudsContexts.build(store, config));
            }
        } catch (RuntimeException e) {
            closeAll(built.values());
            throw e;
        }
        this.contexts = Map.copyOf(built);
        this.schemes = Set.copyOf(config.schemes());
    }

    /**
     * The schemes of the stores configured: {@code s3} with S3 credentials (default or per
     * bucket), {@code gs} with a Google key, {@code azure} and {@code az} with an Azure account,
     * {@code swift} with Keystone credentials. Empty when nothing is configured, so another filer
     * may serve those schemes and staging reports them as not served.
     */
    @Override
    public Set<String> schemes() {
        return schemes;
    }

    @Override
    public Set<FilerCapability> capabilities() {
        return EnumSet.of(FilerCapability.READ, FilerCapability.WRITE, FilerCapability.LIST);
    }

    @Override
    public Optional<FileStat> stat(URI uri) {
        Target t = target(uri, "stat").requireObject();
        BlobMetadata md = t.call(
                "stat", () -> t.store().blobMetadata(t.url().bucket(), t.url().key()));
        if (md == null) {
            return Optional.empty();
        }
        return Optional.of(new FileStat(uri, size(md.getContentMetadata(), md.getSize()), checksum(md)));
    }

    @Override
    public long download(URI source, Path target) {
        Target t = target(source, "download").requireObject();
        requireNonNull(target, "target is null");
        Path tmp = tempFileBeside(t, target);
        boolean moved = false;
        try {
            Blob blob = t.call("download", () -> t.store()
                    .getBlob(t.url().bucket(), t.url().key()));
            if (blob == null) {
                throw missing(t, "download");
            }
            long size = copyVerified(t, blob, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            return size;
        } catch (IOException e) {
            throw new ErgonException(ErrorKind.INTERNAL, t.url().shown() + ": cannot write " + target + ": " + e, e);
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
    }

    @Override
    public long upload(Path source, URI target) {
        Target t = target(target, "upload").requireObject();
        requireNonNull(source, "source is null");
        long size;
        try {
            if (!Files.isRegularFile(source)) {
                throw ErgonException.notFound("local file " + source + " does not exist or is not a regular file");
            }
            size = Files.size(source);
        } catch (IOException e) {
            throw new ErgonException(ErrorKind.INTERNAL, "cannot read local file " + source + ": " + e, e);
        }
        if (size > config.multipartThreshold()) {
            uploadInParts(t, source, size);
        } else {
            uploadWhole(t, source, size);
        }
        LOG.log(Level.DEBUG, () -> "uploaded " + size + " bytes to " + t.url().shown());
        return size;
    }

    /**
     * Every object below {@code prefix + "/"}, recursively, page by page (S3 returns at most 1,000
     * keys per request). {@code s3://bucket} or {@code s3://bucket/} lists the whole bucket.
     * Zero-byte "folder" markers (keys ending in {@code /}) are skipped.
     */
    @Override
    public List<FileStat> list(URI prefix) {
        Target t = target(prefix, "list");
        String base = t.url().key();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String under = base.isEmpty() ? "" : base + "/";
        List<FileStat> found = new ArrayList<>();
        String marker = null;
        do {
            ListContainerOptions options = ListContainerOptions.Builder.recursive();
            if (!under.isEmpty()) {
                options.prefix(under);
            }
            if (marker != null) {
                options.afterMarker(marker);
            }
            PageSet<? extends StorageMetadata> page =
                    t.call("list", () -> t.store().list(t.url().bucket(), options));
            for (StorageMetadata m : page) {
                String name = m.getName();
                if (m.getType() != StorageType.BLOB || name == null || name.endsWith("/") || !name.startsWith(under)) {
                    continue;
                }
                Long size = m.getSize();
                found.add(new FileStat(t.url().sibling(name), size == null ? -1 : size, etag(m.getETag())));
            }
            String next = page.getNextMarker();
            marker = next == null || next.equals(marker) ? null : next;
        } while (marker != null);
        return List.copyOf(found);
    }

    /** Closes the jclouds contexts; transfers in flight may fail. */
    @Override
    public void close() {
        closeAll(contexts.values());
    }

    /** A parsed URL with the store and settings that serve it. */
    private record Target(BlobUrl url, BlobStore store, StoreConfig settings) {
        Target requireObject() {
            url.requireObjectKey();
            return this;
        }

        <T> T call(String operation, Supplier<T> call) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                throw JcloudsErrors.map(url, operation, settings.credentialKeys(), e);
            }
        }
    }

    /** The store serving {@code uri}; {@code operation} names what is being done, for errors. */
    private Target target(URI uri, String operation) {
        BlobUrl url = BlobUrl.parse(uri);
        StoreConfig store =
                switch (url.kind()) {
                    case S3 ->
                        Optional.ofNullable(config.s3Buckets().get(url.bucket()))
                                .or(config::s3)
                                .orElseThrow(() -> notConfigured(
                                        url,
                                        config.s3Buckets().isEmpty()
                                                ? "s3:// is not configured (set " + JcloudsFilerConfig.PREFIX
                                                        + "s3.identity/credential)"
                                                : "no credentials for bucket '" + url.bucket() + "' (set "
                                                        + JcloudsFilerConfig.PREFIX
                                                        + "s3.identity/credential or " + JcloudsFilerConfig.PREFIX
                                                        + "s3.bucket."
                                                        + url.bucket() + ".identity/credential)"));
                    case GS ->
                        config.gs()
                                .orElseThrow(() -> notConfigured(
                                        url,
                                        "gs:// is not configured (set " + JcloudsFilerConfig.PREFIX
                                                + "gs.credential)"));
                    case AZURE ->
                        config.azure()
                                .orElseThrow(() -> notConfigured(
                                        url,
                                        url.uri().getScheme().toLowerCase(Locale.ROOT) + ":// is not configured (set "
                                                + JcloudsFilerConfig.PREFIX + "azure.identity/credential)"));
                    case SWIFT ->
                        config.swift()
                                .orElseThrow(() -> notConfigured(
                                        url,
                                        "swift:// is not configured (set " + JcloudsFilerConfig.PREFIX
                                                + "swift.endpoint/identity/credential)"));
                };
        BlobStore blobStore;
        try {
            // Some stores (Swift) authenticate and look up their endpoint here.
            blobStore = contexts.get(store).getBlobStore();
        } catch (RuntimeException e) {
            throw JcloudsErrors.map(url, operation, store.credentialKeys(), e);
        }
        return new Target(url, blobStore, store);
    }

    private static ErgonException notConfigured(BlobUrl url, String reason) {
        return new ErgonException(ErrorKind.INVALID_INPUT, url.shown() + ": " + reason);
    }

    /** NOT_FOUND for an object that is not there, saying whether its bucket is missing too. */
    private static ErgonException missing(Target t, String operation) {
        boolean bucketExists;
        try {
            bucketExists = t.store().containerExists(t.url().bucket());
        } catch (RuntimeException e) {
            bucketExists = true; // cannot tell: report the object
        }
        String reason = bucketExists
                ? "no such object"
                : (t.url().kind() == StoreKind.S3 || t.url().kind() == StoreKind.GS ? "bucket" : "container") + " '"
                        + t.url().bucket() + "' does not exist";
        return ErgonException.notFound(t.url().shown() + ": " + operation + " failed: " + reason);
    }

    // ---- download -------------------------------------------------------------------------------

    /** Streams the blob's body into {@code tmp}, checking its length and, where known, its MD5. */
    private long copyVerified(Target t, Blob blob, Path tmp) throws IOException {
        Payload payload = blob.getPayload();
        if (payload == null) {
            throw new ErgonException(
                    ErrorKind.BACKEND_UNAVAILABLE, t.url().shown() + ": download failed: the store sent no body");
        }
        ContentMetadata cm = blob.getMetadata().getContentMetadata();
        long expectedSize = size(cm, blob.getMetadata().getSize());
        Optional<byte[]> expectedMd5 = config.verifyChecksums() ? expectedMd5(blob) : Optional.empty();
        MessageDigest md5 = md5();
        long n = 0;
        try (payload;
                OutputStream out = Files.newOutputStream(tmp)) {
            InputStream in;
            try {
                in = payload.openStream();
            } catch (IOException | RuntimeException e) {
                throw transferFailed(t, "download", e);
            }
            try (in) {
                byte[] buf = new byte[BUFFER];
                while (true) {
                    int r;
                    try {
                        r = in.read(buf);
                    } catch (IOException | RuntimeException e) {
                        throw transferFailed(t, "download", e);
                    }
                    if (r < 0) {
                        break;
                    }
                    if (expectedMd5.isPresent()) {
                        md5.update(buf, 0, r); // hashing costs about as much as the transfer: only when checked
                    }
                    out.write(buf, 0, r);
                    n += r;
                }
            }
        }
        if (expectedSize >= 0 && n != expectedSize) {
            throw new ErgonException(
                    ErrorKind.BACKEND_UNAVAILABLE,
                    t.url().shown() + ": download failed: got " + n + " of " + expectedSize + " bytes");
        }
        if (expectedMd5.isPresent()) {
            byte[] got = md5.digest();
            if (!MessageDigest.isEqual(got, expectedMd5.get())) {
                throw new ErgonException(
                        ErrorKind.BACKEND_UNAVAILABLE,
                        t.url().shown() + ": download failed: checksum"
                                + " mismatch (the store reports MD5 " + hex(expectedMd5.get())
                                + ", the bytes received have "
                                + hex(got) + ")");
            }
        }
        return n;
    }

    /**
     * The MD5 the store vouches for: its Content-MD5 (Azure, GCS), or for S3 the ETag of a
     * single-part object. Not for objects encrypted with SSE-KMS or SSE-C, whose ETag is not an MD5.
     */
    private static Optional<byte[]> expectedMd5(Blob blob) {
        var headers = blob.getAllHeaders();
        if (headers != null) {
            for (Map.Entry<String, String> h : headers.entries()) {
                String name = h.getKey().toLowerCase(Locale.ROOT);
                if ((name.equals("x-amz-server-side-encryption")
                                && h.getValue().toLowerCase(Locale.ROOT).startsWith("aws:kms"))
                        || name.equals("x-amz-server-side-encryption-customer-algorithm")) {
                    return Optional.empty();
                }
            }
        }
        byte[] md5 = md5Of(blob.getMetadata().getContentMetadata());
        if (md5 != null) {
            return Optional.of(md5);
        }
        String etag = stripQuotes(blob.getMetadata().getETag());
        return etag != null && MD5_HEX.matcher(etag).matches()
                ? Optional.of(HexFormat.of().parseHex(etag.toLowerCase(Locale.ROOT)))
                : Optional.empty();
    }

    // ---- upload ---------------------------------------------------------------------------------

    private void uploadWhole(Target t, Path source, long size) {
        byte[] md5 = md5Of(source, 0, size);
        Blob blob = t.store()
                .blobBuilder(t.url().key())
                .payload(source.toFile())
                .contentLength(size)
                .contentMD5(HashCode.fromBytes(md5))
                .contentType(CONTENT_TYPE)
                .build();
        String etag = t.call("upload", () -> t.store().putBlob(t.url().bucket(), blob));
        checkEtag(t, "upload", stripQuotes(etag), md5);
    }

    /**
     * A multipart upload: parts of the configured size (raised to what the store allows), up to
     * {@link JcloudsFilerConfig#multipartConcurrency()} at once, each read once and hashed as it
     * is sent; aborted on any failure (a part's ETag not matching included) so no parts are left
     * behind.
     */
    private void uploadInParts(Target t, Path source, long size) {
        BlobStore store = t.store();
        long partSize = Math.max(config.partSize(), store.getMinimumMultipartPartSize());
        int maxParts = store.getMaximumNumberOfParts();
        if ((size + partSize - 1) / partSize > maxParts) {
            partSize = (size + maxParts - 1) / maxParts;
        }
        if (partSize > store.getMaximumMultipartPartSize()) {
            throw new ErgonException(
                    ErrorKind.INVALID_INPUT,
                    t.url().shown() + ": upload failed: " + size + " bytes is more than the store accepts in "
                            + maxParts + " parts");
        }
        int parts = (int) ((size + partSize - 1) / partSize);
        BlobMetadata metadata = store.blobBuilder(t.url().key())
                .payload(source.toFile())
                .contentLength(size)
                .contentType(CONTENT_TYPE)
                .build()
                .getMetadata();
        MultipartUpload mpu = t.call(
                "upload",
                () -> store.initiateMultipartUpload(t.url().bucket(), metadata, PutOptions.Builder.multipart()));
        byte[][] partMd5s = new byte[parts][];
        ExecutorService pool =
                Executors.newFixedThreadPool(Math.min(parts, config.multipartConcurrency()), partThreads());
        boolean completed = false;
        try {
            List<Future<MultipartPart>> futures = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                int number = i + 1;
                long offset = i * partSize;
                long length = Math.min(partSize, size - offset);
                futures.add(pool.submit(() -> {
                    DigestingSlice body = new DigestingSlice(source, offset, length, config.verifyChecksums());
                    MultipartPart part = uploadPart(t, mpu, number, body);
                    if (config.verifyChecksums()) {
                        // The MD5 of what was sent, computed while sending; should the HTTP client
                        // not have read the body to its end, hash the slice once more.
                        byte[] md5 = body.md5().orElseGet(() -> md5Of(source, offset, length));
                        partMd5s[number - 1] = md5;
                        checkEtag(t, "upload of part " + number, stripQuotes(part.partETag()), md5);
                    }
                    return part;
                }));
            }
            List<MultipartPart> done = new ArrayList<>();
            for (Future<MultipartPart> f : futures) {
                done.add(await(t, f));
            }
            String etag = stripQuotes(t.call("upload", () -> store.completeMultipartUpload(mpu, done)));
            completed = true;
            checkMultipartEtag(t, etag, partMd5s);
            LOG.log(Level.DEBUG, () -> "uploaded " + t.url().shown() + " in " + parts + " parts");
        } catch (RuntimeException e) {
            if (!completed) {
                abortQuietly(t, mpu);
            }
            throw e;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sends one part. Its MD5 cannot go ahead of it as {@code Content-MD5} without reading the
     * part twice, so it is computed while the part is sent and compared with the part's ETag
     * afterwards (see {@link #checkEtag}): a damaged part fails the upload, which is then aborted,
     * so a damaged object never becomes visible.
     */
    private static MultipartPart uploadPart(Target t, MultipartUpload mpu, int number, DigestingSlice body) {
        Payload payload = Payloads.newByteSourcePayload(body);
        payload.getContentMetadata().setContentLength(body.size());
        payload.getContentMetadata().setContentType(CONTENT_TYPE);
        return t.call("upload of part " + number, () -> t.store().uploadMultipartPart(mpu, number, payload));
    }

    private static MultipartPart await(Target t, Future<MultipartPart> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErgonException(ErrorKind.INTERNAL, t.url().shown() + ": upload interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw JcloudsErrors.map(t.url(), "upload", t.settings().credentialKeys(), re);
            }
            throw new ErgonException(ErrorKind.INTERNAL, t.url().shown() + ": upload failed: " + c, c);
        }
    }

    private static void abortQuietly(Target t, MultipartUpload mpu) {
        try {
            t.store().abortMultipartUpload(mpu);
        } catch (RuntimeException e) {
            // The store expires abandoned uploads by its own rules; the first error is what counts.
            LOG.log(
                    Level.WARNING,
                    "{0}: could not abort the multipart upload after a failure ({1})",
                    t.url().shown(),
                    e.getClass().getSimpleName());
        }
    }

    /** An ETag that is an MD5 must be the MD5 sent (S3 single-part objects and parts). */
    private void checkEtag(Target t, String operation, String etag, byte[] md5) {
        if (config.verifyChecksums()
                && md5 != null
                && etag != null
                && MD5_HEX.matcher(etag).matches()
                && !etag.equalsIgnoreCase(hex(md5))) {
            throw new ErgonException(
                    ErrorKind.BACKEND_UNAVAILABLE,
                    t.url().shown() + ": " + operation + " failed:" + " checksum mismatch (sent MD5 " + hex(md5)
                            + ", the store reports " + etag + ")");
        }
    }

    /** An S3 multipart ETag is the MD5 of the parts' MD5s, a dash and the number of parts. */
    private void checkMultipartEtag(Target t, String etag, byte[][] partMd5s) {
        if (!config.verifyChecksums() || etag == null) {
            return;
        }
        var m = MULTIPART_ETAG.matcher(etag);
        if (!m.matches()) {
            return;
        }
        MessageDigest all = md5();
        for (byte[] p : partMd5s) {
            all.update(p);
        }
        String expected = hex(all.digest()) + "-" + partMd5s.length;
        if (!etag.equalsIgnoreCase(expected)) {
            throw new ErgonException(
                    ErrorKind.BACKEND_UNAVAILABLE,
                    t.url().shown() + ": upload failed: checksum mismatch" + " (expected multipart ETag " + expected
                            + ", the store reports " + etag + ")");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static long size(ContentMetadata cm, Long fallback) {
        Long n = cm == null ? null : cm.getContentLength();
        if (n == null) {
            n = fallback;
        }
        return n == null ? -1 : n;
    }

    private static Optional<String> checksum(BlobMetadata md) {
        byte[] md5 = md5Of(md.getContentMetadata());
        String etag = stripQuotes(md.getETag());
        if (md5 != null && (etag == null || !MULTIPART_ETAG.matcher(etag).matches())) {
            return Optional.of("md5:" + hex(md5));
        }
        return etag(etag);
    }

    /** The 16-byte MD5 in {@code cm}, or null. */
    private static byte[] md5Of(ContentMetadata cm) {
        HashCode h = cm == null ? null : cm.getContentMD5AsHashCode();
        return h != null && h.bits() == 128 ? h.asBytes() : null;
    }

    private static Optional<String> etag(String etag) {
        String e = stripQuotes(etag);
        return e == null || e.isEmpty() ? Optional.empty() : Optional.of(e);
    }

    private static String stripQuotes(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.startsWith("W/") ? etag.substring(2) : etag;
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }

    private static ErgonException transferFailed(Target t, String operation, Exception e) {
        if (e instanceof RuntimeException re) {
            ErgonException mapped =
                    JcloudsErrors.map(t.url(), operation, t.settings().credentialKeys(), re);
            if (mapped.kind() != ErrorKind.INTERNAL) {
                return mapped;
            }
        }
        return new ErgonException(
                ErrorKind.BACKEND_UNAVAILABLE,
                t.url().shown() + ": " + operation + " failed: the connection broke off: "
                        + e.getClass().getSimpleName(),
                e);
    }

    private static byte[] md5Of(Path file, long offset, long length) {
        MessageDigest md5 = md5();
        try (var ch = Files.newByteChannel(file)) {
            ch.position(offset);
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(BUFFER);
            long left = length;
            while (left > 0) {
                buf.clear();
                if (left < buf.capacity()) {
                    buf.limit((int) left);
                }
                int r = ch.read(buf);
                if (r < 0) {
                    throw new ErgonException(
                            ErrorKind.INTERNAL, "local file " + file + " shrank while it was uploaded");
                }
                buf.flip();
                md5.update(buf);
                left -= r;
            }
            return md5.digest();
        } catch (NoSuchFileException e) {
            throw ErgonException.notFound("local file " + file + " does not exist");
        } catch (IOException e) {
            throw new ErgonException(ErrorKind.INTERNAL, "cannot read local file " + file + ": " + e, e);
        }
    }

    private static MessageDigest md5() {
        return DigestingSlice.newMd5();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static Path tempFileBeside(Target t, Path target) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            if (Files.isDirectory(target)) {
                throw new ErgonException(
                        ErrorKind.INVALID_INPUT, t.url().shown() + ": cannot download to " + target + ", a directory");
            }
            // Same prefix and suffix as staging's own temporary files, which listings skip.
            return Files.createTempFile(dir, ".ergon-", ".part");
        } catch (IOException e) {
            throw new ErgonException(
                    ErrorKind.INTERNAL, t.url().shown() + ": cannot write beside " + target + ": " + e, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the error that brought us here is what the caller reports
        }
    }

    private static ThreadFactory partThreads() {
        return r -> {
            Thread th = new Thread(r, "ergon-jclouds-part-" + THREADS.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }

    private static void closeAll(Collection<BlobStoreContext> contexts) {
        for (BlobStoreContext c : contexts) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "closing a jclouds context failed: {0}",
                        e.getClass().getSimpleName());
            }
        }
    }
}
