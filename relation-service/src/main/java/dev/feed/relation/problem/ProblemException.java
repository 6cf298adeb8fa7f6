package dev.feed.relation.problem;

/** Thrown by the domain to answer a problem: the mapper turns it into application/problem+json. */
public class ProblemException extends RuntimeException {
    private final transient Problem problem;

    public ProblemException(int status, String slug, String title, String detail) {
        super(detail, null, false, false);
        this.problem = Problem.of(status, slug, title, detail);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "bad-request", "Bad request", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", "Conflict", detail);
    }

    public Problem problem() {
        return problem;
    }
}
