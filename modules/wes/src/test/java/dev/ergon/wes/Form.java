package dev.ergon.wes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A hand-built {@code multipart/form-data} body, so tests control exactly what a client sends:
 * fields as plain parts or as file parts, attachments with sub-folders or hostile names.
 */
final class Form {
    final String boundary = "----ergon" + UUID.randomUUID().toString().replace("-", "");
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A plain text field. */
    Form field(String name, String value) {
        return part("form-data; name=\"" + name + "\"", null, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A field sent as a file part (as e.g. Python requests' files= does). */
    Form fileField(String name, String value) {
        return part(
                "form-data; name=\"" + name + "\"; filename=\"" + name + ".json\"",
                "application/json",
                value.getBytes(StandardCharsets.UTF_8));
    }

    /** A workflow_attachment named {@code path}. */
    Form attach(String path, String content) {
        return attach(path, content.getBytes(StandardCharsets.UTF_8));
    }

    Form attach(String path, byte[] content) {
        return part(
                "form-data; name=\"workflow_attachment\"; filename=\"" + path.replace("\"", "\\\"") + "\"",
                "application/octet-stream",
                content);
    }

    private Form part(String disposition, String type, byte[] body) {
        write("--" + boundary + "\r\n");
        write("Content-Disposition: " + disposition + "\r\n");
        if (type != null) {
            write("Content-Type: " + type + "\r\n");
        }
        write("\r\n");
        out.writeBytes(body);
        write("\r\n");
        return this;
    }

    private void write(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    byte[] bytes() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return copy.toByteArray();
    }
}
