package dev.feed.timeline;

import io.quarkus.security.AuthenticationFailedException;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The authenticated reader: the JWT's {@code sub}, which must be a positive 64-bit decimal id. */
@RequestScoped
public class Reader {
    private final JsonWebToken jwt;

    public Reader(JsonWebToken jwt) {
        this.jwt = jwt;
    }

    public long id() {
        String sub = jwt.getSubject();
        try {
            long id = Long.parseLong(sub);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException | NullPointerException ignored) {
            // falls through: a token whose subject is not a user id authenticates nobody
        }
        throw new AuthenticationFailedException("token subject is not a user id");
    }
}
