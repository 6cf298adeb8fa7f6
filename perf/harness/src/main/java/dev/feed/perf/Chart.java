package dev.feed.perf;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;

/** PNG charts with plain Java2D (headless): latency by percentile, and p99 against achieved rate. */
public final class Chart {
    private static final int W = 900;
    private static final int H = 520;
    private static final int L = 80;
    private static final int R = 30;
    private static final int T = 50;
    private static final int B = 60;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private Chart() {
    }

    /** Latency (ms) at percentiles 0..99.99 on the usual "number of nines" axis, one line per series. */
    public static void percentiles(String title, Map<String, Histogram> series, Path png) {
        double[] nines = {0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4};
        Map<String, double[][]> lines = new LinkedHashMap<>();
        double maxY = 0;
        for (var e : series.entrySet()) {
            double[][] pts = new double[nines.length][2];
            for (int i = 0; i < nines.length; i++) {
                double pct = 100 * (1 - Math.pow(10, -nines[i]));
                double ms = e.getValue().getValueAtPercentile(pct) / 1000.0;
                pts[i] = new double[] {nines[i], ms};
                maxY = Math.max(maxY, ms);
            }
            lines.put(e.getKey(), pts);
        }
        draw(title, "percentile (0, 90, 99, 99.9, 99.99)", "latency ms", lines, 4, maxY * 1.1, png,
                new String[] {"0", "90", "99", "99.9", "99.99"});
    }

    /** p99 latency (ms) against the achieved request rate of each step of a rate search. */
    public static void rateVsP99(String title, Map<String, List<OpenLoad.Result>> series, Path png) {
        Map<String, double[][]> lines = new LinkedHashMap<>();
        double maxX = 0;
        double maxY = 0;
        for (var e : series.entrySet()) {
            List<double[]> pts = new ArrayList<>();
            for (OpenLoad.Result r : e.getValue()) {
                pts.add(new double[] {r.achievedRate(), r.p(99)});
                maxX = Math.max(maxX, r.achievedRate());
                maxY = Math.max(maxY, r.p(99));
            }
            lines.put(e.getKey(), pts.toArray(new double[0][]));
        }
        draw(title, "achieved requests/s", "p99 latency ms", lines, maxX * 1.1, Math.min(maxY * 1.1, 1000), png, null);
    }

    /** Free-form lines (x, y) per series, e.g. an open-model rate search next to a closed-model reference point. */
    public static void lines(String title, String xLabel, String yLabel, Map<String, double[][]> series, Path png) {
        double maxX = 0;
        double maxY = 0;
        for (double[][] pts : series.values()) {
            for (double[] p : pts) {
                maxX = Math.max(maxX, p[0]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        draw(title, xLabel, yLabel, series, maxX * 1.1, Math.min(maxY * 1.1, 1000), png, null);
    }

    /** One bar per label (e.g. per tier mode), value printed on top; for counts and bytes rather than latencies. */
    public static void bars(String title, String yLabel, Map<String, Double> values, Path png) {
        double maxY = values.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        maxY = maxY <= 0 ? 1 : maxY * 1.15;
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame(img, title, maxY, "%.4g");
        int pw = W - L - R;
        int ph = H - T - B;
        g.drawString(yLabel, 10, T - 10);
        int n = Math.max(1, values.size());
        int slot = pw / n;
        int c = 0;
        for (var e : values.entrySet()) {
            int x = L + c * slot + slot / 4;
            int h = (int) (e.getValue() / maxY * ph);
            g.setColor(PALETTE[c % PALETTE.length]);
            g.fillRect(x, T + ph - h, slot / 2, h);
            g.setColor(Color.BLACK);
            g.drawString(String.format("%.4g", e.getValue()), x, T + ph - h - 5);
            g.drawString(e.getKey(), x, T + ph + 18);
            c++;
        }
        write(g, img, png);
    }

    private static void draw(String title, String xLabel, String yLabel, Map<String, double[][]> lines, double maxX, double maxY,
            Path png, String[] xTicks) {
        maxX = maxX <= 0 ? 1 : maxX;
        maxY = maxY <= 0 ? 1 : maxY;
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = frame(img, title, maxY, "%.1f");
        int pw = W - L - R;
        int ph = H - T - B;
        if (xTicks != null) {
            for (int i = 0; i < xTicks.length; i++) {
                int x = L + (int) (i * (double) pw / (xTicks.length - 1));
                g.drawString(xTicks[i], x - 10, T + ph + 18);
            }
        } else {
            for (int i = 0; i <= 5; i++) {
                int x = L + i * pw / 5;
                g.drawString(String.format("%.0f", maxX * i / 5), x - 15, T + ph + 18);
            }
        }
        g.drawString(xLabel, L + pw / 2 - 60, H - 15);
        g.drawString(yLabel, 10, T - 10);
        int c = 0;
        int legendY = T + 20;
        g.setStroke(new BasicStroke(2f));
        for (var e : lines.entrySet()) {
            g.setColor(PALETTE[c++ % PALETTE.length]);
            double[][] pts = e.getValue();
            for (int i = 0; i < pts.length; i++) {
                int x = L + (int) (pts[i][0] / maxX * pw);
                int y = T + ph - (int) (Math.min(pts[i][1], maxY) / maxY * ph);
                g.fillOval(x - 3, y - 3, 6, 6);
                if (i > 0) {
                    int px = L + (int) (pts[i - 1][0] / maxX * pw);
                    int py = T + ph - (int) (Math.min(pts[i - 1][1], maxY) / maxY * ph);
                    g.drawLine(px, py, x, y);
                }
            }
            g.drawString(e.getKey(), L + pw - 260, legendY);
            legendY += 16;
        }
        write(g, img, png);
    }

    /** White canvas, title, plot frame and five horizontal grid lines labelled with {@code yFormat}. */
    private static Graphics2D frame(BufferedImage img, String title, double maxY, String yFormat) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, L, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int pw = W - L - R;
        int ph = H - T - B;
        g.drawRect(L, T, pw, ph);
        for (int i = 0; i <= 5; i++) {
            int y = T + ph - i * ph / 5;
            g.setColor(new Color(0xdddddd));
            g.drawLine(L + 1, y, L + pw - 1, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(yFormat, maxY * i / 5), 10, y + 4);
        }
        return g;
    }

    private static void write(Graphics2D g, BufferedImage img, Path png) {
        g.dispose();
        try {
            ImageIO.write(img, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
