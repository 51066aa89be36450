package io.lethe.api.edge;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

/**
 * The read timeout: a new connection must deliver its first request's headers within the read timeout, and each
 * request's body must arrive within the read timeout of its headers; a kept-alive connection waits at most the idle
 * timeout for its next request. A client that trickles bytes keeps the idle timeout from firing; this bounds how
 * long it can hold a connection and its buffers all the same.
 */
final class ReadDeadlines {

    private final Vertx vertx;
    private final long timeoutMillis;
    private final long keepAliveMillis;
    private final Map<HttpConnection, Deadline> open = new ConcurrentHashMap<>();

    ReadDeadlines(Vertx vertx, Duration readTimeout, Duration keepAlive) {
        this.vertx = vertx;
        this.timeoutMillis = readTimeout.toMillis();
        this.keepAliveMillis = keepAlive.toMillis();
    }

    /** A new connection: its first request's headers are due. */
    void opened(HttpConnection connection) {
        Deadline deadline = new Deadline(connection);
        open.put(connection, deadline);
        connection.closeHandler(closed -> {
            deadline.cancel();
            open.remove(connection);
        });
        deadline.awaitHeaders(timeoutMillis);
    }

    /** A request's headers arrived: its body is due; {@code late} answers a body that does not arrive in time. */
    void headersArrived(HttpServerRequest request, Consumer<HttpServerRequest> late) {
        Deadline deadline = open.get(request.connection());
        if (deadline != null) {
            deadline.awaitBody(request, late);
        }
    }

    /** An answer was sent: the next request's headers are due. */
    void answered(HttpServerRequest request) {
        Deadline deadline = open.get(request.connection());
        if (deadline != null) {
            deadline.awaitHeaders(keepAliveMillis);
        }
    }

    /** One connection's pending deadline; a generation number retires timers that a later state replaced. */
    private final class Deadline {
        private final HttpConnection connection;
        private long generation;
        private long timerId = -1;

        Deadline(HttpConnection connection) {
            this.connection = connection;
        }

        synchronized void awaitHeaders(long millis) {
            long mine = restart();
            timerId = vertx.setTimer(millis, fired -> {
                if (current(mine)) {
                    connection.close();
                }
            });
        }

        synchronized void awaitBody(HttpServerRequest request, Consumer<HttpServerRequest> late) {
            long mine = restart();
            if (request.isEnded()) {
                return;
            }
            timerId = vertx.setTimer(timeoutMillis, fired -> {
                if (current(mine) && !request.isEnded()) {
                    late.accept(request);
                }
            });
        }

        synchronized void cancel() {
            restart();
        }

        private long restart() {
            generation++;
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
                timerId = -1;
            }
            return generation;
        }

        private synchronized boolean current(long mine) {
            return generation == mine;
        }
    }
}
