package dev.feed.testing;

import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for requests an HTTP client will not send: a chunked body with no
 * Content-Length, a header value with a control character. Answers are read until their
 * Content-Length is complete or the server closes.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** A parsed answer: status, the head as text (for header lookups) and the body. */
    public record Answer(int status, String head, String body) {
        /** The first value of the header, or null. */
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    /** A POST of a JSON-looking chunked body of about {@code bytes} bytes, in 4 KiB chunks. */
    public static Answer chunkedPost(String path, String token, int bytes) throws IOException {
        List<String> chunks = new ArrayList<>(List.of("{"));
        for (int sent = 0; sent < bytes; sent += 4096) {
            chunks.add("x".repeat(4096));
        }
        return chunkedPost(path, token, chunks);
    }

    /** A POST of a JSON body sent chunked (no Content-Length), one HTTP chunk per element. */
    public static Answer chunkedPost(String path, String token, List<String> chunks) throws IOException {
        try (Socket socket = open()) {
            OutputStream out = socket.getOutputStream();
            out.write(ascii("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
            try {
                for (String chunk : chunks) {
                    byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
                    out.write(ascii(Integer.toHexString(bytes.length) + "\r\n"));
                    out.write(bytes);
                    out.write(ascii("\r\n"));
                }
                out.write(ascii("0\r\n\r\n"));
                out.flush();
            } catch (IOException closedEarly) {
                // the server answered and closed before the whole body was sent: its answer is still readable
            }
            return read(socket.getInputStream());
        }
    }

    /** A request whose head (request line and headers, ISO-8859-1 bytes as given) and body are sent as they are. */
    public static Answer send(String head, String body) throws IOException {
        try (Socket socket = open()) {
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(ascii("Content-Length: " + content.length + "\r\n\r\n"));
            out.write(content);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", RestAssured.port);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                all.write(buf, 0, n);
                if (complete(all.toString(StandardCharsets.UTF_8))) {
                    break;
                }
            }
        } catch (IOException reset) {
            // a reset after the answer: what arrived is the answer
        }
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete answer, got: " + text);
        }
        String head = text.substring(0, end);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        return new Answer(status, head, text.substring(end + 4));
    }

    /** The head is in and the body has its Content-Length bytes. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return text.length() - end - 4 >= Integer.parseInt(line.substring(15).trim());
            }
        }
        return false;
    }
}
