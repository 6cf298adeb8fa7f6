import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Writes a power-law follow graph as PostgreSQL COPY text ({@code follower<TAB>followee}) to
 * stdout, sorted by (follower, followee) so the primary key is built by appending. Progress goes
 * to stderr. Run by {@code stack/seed/seed.sh}; not a service dependency.
 *
 * <p>Users are 1..users. Each follows {@code follows} distinct others, each drawn from a Zipf
 * distribution over ranks (rank r has weight 1/r^s, and rank r is user r): a handful of users get
 * a large share of all follows, most get a few. With {@code celebrity > 0}, user users+1 is
 * followed by exactly users 1..celebrity, and by nobody else.
 *
 * <p>usage: java Seed.java USERS FOLLOWS CELEBRITY ZIPF_S RANDOM_SEED [STATS_FILE]
 */
public class Seed {
    public static void main(String[] args) throws IOException {
        int users = Integer.parseInt(args[0]);
        int follows = Integer.parseInt(args[1]);
        int celebrity = Integer.parseInt(args[2]);
        double s = Double.parseDouble(args[3]);
        long seed = Long.parseLong(args[4]);
        if (follows > users - 1) {
            throw new IllegalArgumentException("--follows-per-user must be below --users");
        }
        if (celebrity > users) {
            throw new IllegalArgumentException("--celebrity-followers must be at most --users");
        }
        double[] cdf = new double[users];
        double sum = 0;
        for (int r = 1; r <= users; r++) {
            sum += 1.0 / Math.pow(r, s);
            cdf[r - 1] = sum;
        }
        for (int i = 0; i < users; i++) {
            cdf[i] /= sum;
        }

        SplittableRandom rnd = new SplittableRandom(seed);
        OutputStream out = new BufferedOutputStream(System.out, 1 << 20);
        byte[] line = new byte[48];
        int[] chosen = new int[follows];
        long edges = 0;
        long total = (long) users * follows + celebrity;
        long start = System.nanoTime();
        long nextReport = 1_000_000;
        for (int u = 1; u <= users; u++) {
            int n = 0;
            while (n < follows) {
                int idx = Arrays.binarySearch(cdf, rnd.nextDouble());
                int v = (idx >= 0 ? idx : -idx - 1) + 1;
                if (v > users || v == u || contains(chosen, n, v)) {
                    continue; // self, or already chosen: draw again
                }
                chosen[n++] = v;
            }
            Arrays.sort(chosen, 0, n);
            for (int i = 0; i < n; i++) {
                out.write(line, 0, format(line, u, chosen[i]));
            }
            edges += n;
            if (u <= celebrity) {
                out.write(line, 0, format(line, u, users + 1));
                edges++;
            }
            if (edges >= nextReport) {
                double secs = (System.nanoTime() - start) / 1e9;
                System.err.printf("    %,d / %,d edges sent to PostgreSQL (%.0f%%), %,.0f edges/s%n",
                        edges, total, 100.0 * edges / total, edges / secs);
                nextReport += 1_000_000;
            }
        }
        out.flush();
        if (args.length > 5) {
            Files.writeString(Path.of(args[5]), Long.toString(edges));
        }
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    /** Writes "a\tb\n" into buf; returns its length. Hand-rolled: 5M lines through String.format is the bottleneck. */
    private static int format(byte[] buf, long a, long b) {
        int p = digits(buf, 0, a);
        buf[p++] = '\t';
        p = digits(buf, p, b);
        buf[p++] = '\n';
        return p;
    }

    private static int digits(byte[] buf, int p, long v) {
        int len = 1;
        for (long x = v; x >= 10; x /= 10) {
            len++;
        }
        for (int i = p + len - 1; i >= p; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return p + len;
    }
}
