package dev.ergon.wes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A RunWorkflow request read from {@code multipart/form-data}: the text fields, and the
 * attachments written below a folder. Every field may come as a plain field or as a file part
 * (as many WES clients send them); {@code workflow_attachment} parts are files whose file name
 * is their path relative to the attachments folder, sub-folders included. Attachment paths are
 * checked before anything is written (no absolute paths, no {@code ..}, no control characters);
 * sizes and counts are bounded.
 */
final class RunForm {
    static final Set<String> FIELDS = Set.of(
            "workflow_params",
            "workflow_type",
            "workflow_type_version",
            "tags",
            "workflow_engine",
            "workflow_engine_version",
            "workflow_engine_parameters",
            "workflow_url");
    static final String ATTACHMENT = "workflow_attachment";

    final Map<String, String> fields = new HashMap<>();
    final List<String> attachments = new ArrayList<>();
    final List<String> ignoredParts = new ArrayList<>();

    /** Reads the request into {@code attachmentsDir} (which must exist and be empty). */
    static RunForm read(InputStream body, String contentType, Path attachmentsDir, WesSettings s) throws IOException {
        RunForm form = new RunForm();
        Multipart mp = new Multipart(body, Multipart.boundary(contentType), s.maxRequestBytes());
        Set<String> seen = new HashSet<>();
        Optional<Multipart.Part> next;
        int index = 0;
        while ((next = mp.next()).isPresent()) {
            Multipart.Part p = next.get();
            if (p.name().equals(ATTACHMENT)) {
                String field = ATTACHMENT + "[" + index++ + "]";
                if (form.attachments.size() >= s.maxAttachments()) {
                    throw ErgonException.invalid(
                            ATTACHMENT, "more than " + s.maxAttachments() + " attachments (ergon.wes.max-attachments)");
                }
                String rel = attachmentPath(p.filename().orElse(""), field);
                if (!seen.add(rel)) {
                    throw ErgonException.invalid(field, "'" + rel + "' is attached twice");
                }
                Path target = attachmentsDir.resolve(rel).normalize();
                if (!target.startsWith(attachmentsDir)) {
                    throw ErgonException.invalid(field, "'" + rel + "' escapes the attachments folder");
                }
                Files.createDirectories(target.getParent());
                copyLimited(p.body(), target, s.maxAttachmentBytes(), field);
                form.attachments.add(rel);
            } else if (FIELDS.contains(p.name())) {
                if (form.fields.containsKey(p.name())) {
                    throw ErgonException.invalid(p.name(), "is given twice");
                }
                form.fields.put(p.name(), readText(p.body(), s.maxFieldBytes(), p.name()));
            } else {
                form.ignoredParts.add(p.name());
                p.body().transferTo(OutputStream.nullOutputStream());
            }
        }
        return form;
    }

    /** The value of {@code name}, trimmed; empty when absent or blank. */
    Optional<String> field(String name) {
        String v = fields.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /**
     * Checks and normalises an attachment's relative path: forward slashes, no leading {@code ./},
     * no absolute path or drive letter, no {@code ..} or empty segment, no control characters,
     * at most 1024 characters and 32 levels.
     */
    static String attachmentPath(String name, String field) {
        String n = name.replace('\\', '/');
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        if (n.isBlank()) {
            throw ErgonException.invalid(field, "has no file name; the file name is its path in the attachments");
        }
        if (n.length() > 1024) {
            throw ErgonException.invalid(field, "the path is longer than 1024 characters");
        }
        if (n.startsWith("/") || n.matches("[A-Za-z]:.*")) {
            throw ErgonException.invalid(field, "'" + name + "' must be a relative path");
        }
        String[] segments = n.split("/", -1);
        if (segments.length > 32) {
            throw ErgonException.invalid(field, "'" + name + "' is more than 32 folders deep");
        }
        for (String seg : segments) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw ErgonException.invalid(field, "'" + name + "' must not contain empty, '.' or '..' segments");
            }
            for (int i = 0; i < seg.length(); i++) {
                if (Character.isISOControl(seg.charAt(i))) {
                    throw ErgonException.invalid(field, "'" + name + "' contains a control character");
                }
            }
        }
        if (segments.length == 1 && segments[0].startsWith(".ergon")) {
            throw ErgonException.invalid(field, "'" + name + "': names starting with .ergon are reserved");
        }
        return n;
    }

    private static void copyLimited(InputStream in, Path target, long max, String field) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out =
                Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                if (total > max) {
                    throw new ErgonException(
                            ErrorKind.TOO_LARGE,
                            field,
                            field + ": the attachment is larger than " + max
                                    + " bytes (ergon.wes.max-attachment-bytes)",
                            null);
                }
                out.write(buf, 0, n);
            }
        }
    }

    private static String readText(InputStream in, long max, String field) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        if (bytes.length > max) {
            throw new ErgonException(
                    ErrorKind.TOO_LARGE,
                    field,
                    field + ": is larger than " + max + " bytes (ergon.wes.max-field-bytes)",
                    null);
        }
        in.transferTo(OutputStream.nullOutputStream());
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
