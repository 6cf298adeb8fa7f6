package dev.feed.post;

import io.quarkus.security.AuthenticationFailedException;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The authenticated caller: the JWT's {@code sub}, which must be a positive 64-bit decimal id. */
@RequestScoped
public class Caller {
    private final JsonWebToken jwt;

    public Caller(JsonWebToken jwt) {
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
