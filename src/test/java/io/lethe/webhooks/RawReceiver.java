package io.lethe.webhooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile webhook receiver on a raw socket (so it can misbehave as no HTTP server library would): by the request
 * path it answers normally, feeds an endless body a byte at a time, sends a huge body as fast as it can, feeds its
 * headers forever, or never answers. Counts the body bytes it got written (what the hub accepted) and the request
 * header names it saw.
 */
final class RawReceiver implements AutoCloseable {

    final ServerSocket server;
    final AtomicLong hugeBytesWritten = new AtomicLong();
    final List<String> paths = new CopyOnWriteArrayList<>();
    final List<List<String>> headerNames = new CopyOnWriteArrayList<>();
    final AtomicLong connections = new AtomicLong();

    RawReceiver() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "raw-receiver");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "raw-receiver-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            String path = lines[0].split(" ")[1];
            int length = 0;
            List<String> names = new java.util.ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                String name = lines[i].substring(0, lines[i].indexOf(':'));
                names.add(name.toLowerCase(Locale.ROOT));
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(lines[i].substring(lines[i].indexOf(':') + 1).strip());
                }
            }
            in.readNBytes(length);
            paths.add(path);
            headerNames.add(names);
            switch (path) {
                case "/drip" -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n"));
                    while (true) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(50);
                    }
                }
                case "/huge" -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                    byte[] chunk = ascii("10000\r\n" + "y".repeat(0x10000) + "\r\n");
                    while (true) {
                        out.write(chunk);
                        hugeBytesWritten.addAndGet(chunk.length);
                    }
                }
                case "/slow-headers" -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\n"));
                    while (true) {
                        out.write(ascii("X-Slow: z\r\n"));
                        out.flush();
                        Thread.sleep(100);
                    }
                }
                case "/hang" -> Thread.sleep(60_000);
                case "/redirect" -> out.write(ascii("HTTP/1.1 307 Temporary Redirect\r\nLocation: http://169.254.169.254/"
                        + "\r\nContent-Length: 0\r\n\r\n"));
                default -> out.write(ascii("HTTP/1.1 204 No Content\r\n\r\n"));
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the hub hung up: what a deadline is for
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] sofar = head.toByteArray();
            int n = sofar.length;
            if (n >= 4 && sofar[n - 4] == '\r' && sofar[n - 3] == '\n' && sofar[n - 2] == '\r' && sofar[n - 1] == '\n') {
                return new String(sofar, 0, n - 4, StandardCharsets.US_ASCII);
            }
        }
        throw new IOException("no request");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
