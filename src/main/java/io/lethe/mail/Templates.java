package io.lethe.mail;

import java.nio.file.Path;

/**
 * Moved to {@link io.lethe.notify.Templates} (every layer renders its notices; mail is an edge). Kept only while
 * io.lethe.connectors still imports this name: delete it once nothing does.
 */
@Deprecated(forRemoval = true)
public final class Templates extends io.lethe.notify.Templates {
    public Templates(Path folder) {
        super(folder);
    }
}
