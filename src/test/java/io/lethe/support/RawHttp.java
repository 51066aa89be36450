package io.lethe.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Raw HTTP/1.1 over a socket, for requests no well-behaved client would send (conflicting framing, two Hosts, an
 * h2c upgrade, a body that never comes).
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;

    public RawHttp(String host, int port, int readTimeoutMillis) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(readTimeoutMillis);
    }

    /** Sends one request (CRLF line ends are the caller's) and reads until the server closes or goes quiet. */
    public static String exchange(int port, String request) throws IOException {
        try (RawHttp raw = new RawHttp("127.0.0.1", port, 5000)) {
            raw.send(request);
            return raw.readUntilClosed().text();
        }
    }

    public void send(String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Everything the server sends until it closes the connection; {@code closed} is false when it went quiet instead. */
    public Reply readUntilClosed() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
            return new Reply(bytes.toString(StandardCharsets.ISO_8859_1), true);
        } catch (SocketTimeoutException quiet) {
            return new Reply(bytes.toString(StandardCharsets.ISO_8859_1), false);
        } catch (IOException reset) {
            return new Reply(bytes.toString(StandardCharsets.ISO_8859_1), true);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** What came back, and whether the server closed the connection. */
    public record Reply(String text, boolean closed) {
        public int status() {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^HTTP/\\d\\.\\d (\\d{3}) ").matcher(text);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }
    }
}
