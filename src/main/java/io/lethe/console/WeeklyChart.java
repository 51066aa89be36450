package io.lethe.console;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.lethe.requests.RequestStatus;

/**
 * Requests received per week (Monday to Sunday, UTC) by where they stand now, as stacked bars: the geometry is
 * computed here and drawn by the template as inline SVG (no script, no library, nothing from elsewhere).
 */
public final class WeeklyChart {

    /** The outcome groups, bottom to top, with their fill colour (an SVG attribute, not a style: the CSP allows it). */
    public enum Outcome {
        COMPLETED("completed", "#1a7f37"), OPEN("open", "#d4a72c"), FAILED("failed or action required", "#b42318"),
        CANCELLED("cancelled", "#8c959f");

        private final String label;
        private final String fill;

        Outcome(String label, String fill) {
            this.label = label;
            this.fill = fill;
        }

        public String label() {
            return label;
        }

        public String fill() {
            return fill;
        }

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Outcome of(RequestStatus s) {
            return switch (s) {
                case COMPLETED -> COMPLETED;
                case FAILED, ACTION_REQUIRED -> FAILED;
                case CANCELLED -> CANCELLED;
                default -> OPEN;
            };
        }
    }

    /** One rectangle. */
    public record Bar(int x, int y, int width, int height, String fill, String title) {
    }

    /** A label at (x, y). */
    public record Label(int x, int y, String text) {
    }

    public static final int WIDTH = 760;
    public static final int HEIGHT = 240;
    private static final int LEFT = 40;
    private static final int BOTTOM = 30;
    private static final int TOP = 12;
    private static final DateTimeFormatter WEEK = DateTimeFormatter.ofPattern("d MMM");

    private final List<Bar> bars;
    private final List<Label> weeks;
    private final List<Label> ticks;
    private final long total;

    private WeeklyChart(List<Bar> bars, List<Label> weeks, List<Label> ticks, long total) {
        this.bars = bars;
        this.weeks = weeks;
        this.ticks = ticks;
        this.total = total;
    }

    /** The {@code weeks} weeks up to the one holding {@code today}, from counts per day and status. */
    public static WeeklyChart of(Map<LocalDate, Map<RequestStatus, Long>> perDay, LocalDate today, int weeks) {
        LocalDate firstMonday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(weeks - 1L);
        List<Map<Outcome, Long>> counts = new ArrayList<>();
        for (int i = 0; i < weeks; i++) {
            counts.add(new EnumMap<>(Outcome.class));
        }
        long total = 0;
        for (var day : perDay.entrySet()) {
            long index = java.time.temporal.ChronoUnit.WEEKS.between(firstMonday, day.getKey());
            if (day.getKey().isBefore(firstMonday) || index >= weeks) {
                continue;
            }
            for (var s : day.getValue().entrySet()) {
                counts.get((int) index).merge(Outcome.of(s.getKey()), s.getValue(), Long::sum);
                total += s.getValue();
            }
        }
        long max = Math.max(1, counts.stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum())
                .max().orElse(1));
        long step = niceStep(max);
        long top = ((max + step - 1) / step) * step;
        int plot = HEIGHT - BOTTOM - TOP;
        int slot = (WIDTH - LEFT - 10) / weeks;
        List<Bar> bars = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < weeks; i++) {
            LocalDate monday = firstMonday.plusWeeks(i);
            int x = LEFT + i * slot + slot / 6;
            int y = HEIGHT - BOTTOM;
            for (Outcome o : Outcome.values()) {
                long n = counts.get(i).getOrDefault(o, 0L);
                if (n == 0) {
                    continue;
                }
                int h = (int) Math.max(1, Math.round((double) n * plot / top));
                y -= h;
                bars.add(new Bar(x, y, slot * 2 / 3, h, o.fill(), "Week of " + WEEK.format(monday) + ": " + n + " "
                        + o.label()));
            }
            labels.add(new Label(x + slot / 3, HEIGHT - BOTTOM + 16, WEEK.format(monday)));
        }
        List<Label> ticks = new ArrayList<>();
        for (long v = 0; v <= top; v += step) {
            ticks.add(new Label(LEFT - 6, (int) (HEIGHT - BOTTOM - Math.round((double) v * plot / top)), Long.toString(v)));
        }
        return new WeeklyChart(bars, labels, ticks, total);
    }

    private static long niceStep(long max) {
        for (long s : new long[] {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000}) {
            if (max / s <= 5) {
                return s;
            }
        }
        return Math.max(1, max / 5);
    }

    public List<Bar> bars() {
        return bars;
    }

    public List<Label> weeks() {
        return weeks;
    }

    public List<Label> ticks() {
        return ticks;
    }

    public long total() {
        return total;
    }

    public List<Outcome> legend() {
        return List.of(Outcome.values());
    }

    public int width() {
        return WIDTH;
    }

    public int height() {
        return HEIGHT;
    }

    public int axisX() {
        return LEFT;
    }

    public int axisY() {
        return HEIGHT - BOTTOM;
    }
}
