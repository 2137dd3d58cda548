package org.crosstenant.invitation;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;

/**
 * Sends a request body over a plain socket, with Content-Length or chunked, from a writer thread while the response
 * is read: a server that answers before it read the whole body (a 413) is seen answering, whatever happens to the
 * rest of the upload. (The JDK 17 client can hang on a final answer to {@code Expect: 100-continue}.)
 */
final class RawUpload {

    /** Status, lower-cased headers and body of a response. */
    record Response(int status, Map<String, String> headers, String body) {
    }

    private RawUpload() {
    }

    /**
     * @param base          the server
     * @param method        e.g. PUT
     * @param path          the request target
     * @param authorization the Authorization header value
     * @param body          the body
     * @param chunked       chunked transfer coding instead of Content-Length
     * @return the response (read up to its Content-Length)
     */
    static Response send(URI base, String method, String path, String authorization, byte[] body, boolean chunked)
            throws Exception {
        return send(base, method, path, authorization, List.of("Content-Type: application/json"), body, chunked);
    }

    /**
     * As {@link #send(URI, String, String, String, byte[], boolean)}, with exactly the given further header lines
     * (e.g. none for a request without {@code Content-Type}, or one header twice, or with an empty value).
     */
    static Response send(URI base, String method, String path, String authorization, List<String> headerLines,
            byte[] body, boolean chunked) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            StringBuilder extra = new StringBuilder();
            headerLines.forEach(line -> extra.append(line).append("\r\n"));
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAuthorization: " + authorization + "\r\n" + extra
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n")
                    + "Connection: close\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread writer = new Thread(() -> writeBody(out, body, chunked), "raw-upload");
            writer.setDaemon(true);
            writer.start();
            return read(socket.getInputStream());
        }
    }

    private static void writeBody(OutputStream out, byte[] body, boolean chunked) {
        try {
            for (int offset = 0; offset < body.length; offset += 8192) {
                int length = Math.min(8192, body.length - offset);
                if (chunked) {
                    out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write(body, offset, length);
                if (chunked) {
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
        } catch (Exception e) {
            // the server stopped reading (it answered already): what it answered is what the test looks at
        }
    }

    private static Response read(InputStream in) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        while (true) {
            String text = buffer.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                Map<String, String> headers = new LinkedHashMap<>();
                String[] lines = text.substring(0, end).split("\r\n");
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "-1"));
                byte[] raw = buffer.toByteArray();
                if (length >= 0 && raw.length - end - 4 >= length) {
                    return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers,
                            new String(raw, end + 4, length, StandardCharsets.UTF_8));
                }
            }
            int n = in.read(chunk);
            if (n < 0) {
                throw new IllegalStateException("connection closed before a whole response: " + text);
            }
            buffer.write(chunk, 0, n);
        }
    }
}
