package dev.feed.relation.user;

import io.quarkus.security.AuthenticationFailedException;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The authenticated caller: the JWT's {@code sub}, which must be a positive 64-bit id in canonical decimal. */
@RequestScoped
public class Caller {
    /** One spelling per id: "+7" or "007" would otherwise name user 7 too. */
    private static final java.util.regex.Pattern CANONICAL_ID = java.util.regex.Pattern.compile("[1-9][0-9]{0,18}");
    private final JsonWebToken jwt;

    public Caller(JsonWebToken jwt) {
        this.jwt = jwt;
    }

    public long id() {
        String sub = jwt.getSubject();
        try {
            if (sub != null && CANONICAL_ID.matcher(sub).matches()) {
                return Long.parseLong(sub);
            }
        } catch (NumberFormatException ignored) {
            // falls through: a token whose subject is not a user id authenticates nobody
        }
        throw new AuthenticationFailedException("token subject is not a user id");
    }
}
