package io.lethe.dispatch;

import java.util.List;

/** Commands of one connector claimed together; they travel through the dispatch route as one exchange body. */
public record Batch(String connector, List<Command> commands) {
}
