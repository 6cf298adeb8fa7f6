package dev.feed.relation.user;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.feed.relation.TestUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProfileResourceTest {

    @Test
    void putMe_createsProfile_thenReadableByIdAndHandle() {
        long id = TestUsers.newId();
        String handle = TestUsers.newHandle();
        given().auth().oauth2(TestUsers.token(id)).contentType(ContentType.JSON)
                .body("{\"handle\":\"" + handle + "\",\"displayName\":\"Ada L\"}")
                .when().put("/v1/users/me")
                .then().statusCode(200)
                .body("id", equalTo(Long.toString(id)))
                .body("handle", equalTo(handle))
                .body("displayName", equalTo("Ada L"))
                .body("followerCount", equalTo(0))
                .body("followingCount", equalTo(0))
                .body("createdAt", notNullValue());

        given().auth().oauth2(TestUsers.token(id)).get("/v1/users/" + id)
                .then().statusCode(200).body("handle", equalTo(handle));
        given().auth().oauth2(TestUsers.token(id)).get("/v1/users/by-handle/" + handle)
                .then().statusCode(200).body("id", equalTo(Long.toString(id)));
    }

    @Test
    void putMe_secondTime_updatesDisplayName_andAnswersTheCountsAsStored() {
        long id = TestUsers.newId();
        String handle = TestUsers.newHandle();
        putMe(id, handle, "First").then().statusCode(200);
        long follower = TestUsers.newId();
        putMe(follower, TestUsers.newHandle(), "Follower").then().statusCode(200);
        // the follow changes the stored count in SQL; the update answers the count as stored
        TestUsers.follow(follower, id);

        putMe(id, handle, "Second").then().statusCode(200)
                .body("displayName", equalTo("Second"))
                .body("followerCount", equalTo(1))
                .body("createdAt", notNullValue());
    }

    @Test
    void putMe_handleTakenBySomeoneElse_is409() {
        String handle = TestUsers.newHandle();
        putMe(TestUsers.newId(), handle, "One").then().statusCode(200);
        putMe(TestUsers.newId(), handle, "Two").then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString(handle));
    }

    @Test
    void putMe_badHandle_is400SayingWhy() {
        putMe(TestUsers.newId(), "No Caps!", "x").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("handle"));
    }

    @Test
    void putMe_bodyOverTheLimit_is413Problem() {
        String huge = "x".repeat(70 * 1024);
        given().auth().oauth2(TestUsers.token(TestUsers.newId())).contentType(ContentType.JSON)
                .body("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":\"" + huge + "\"}")
                .put("/v1/users/me")
                .then().statusCode(413).contentType("application/problem+json")
                .body("status", equalTo(413)).body("detail", containsString("65536 bytes"));
    }

    @Test
    void putMe_unknownField_is400NamingIt() {
        given().auth().oauth2(TestUsers.token(TestUsers.newId())).contentType(ContentType.JSON)
                .body("{\"handle\":\"" + TestUsers.newHandle() + "\",\"displayName\":\"x\",\"admin\":true}")
                .put("/v1/users/me")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("admin"));
    }

    @Test
    void putMe_malformedJson_is400() {
        given().auth().oauth2(TestUsers.token(TestUsers.newId())).contentType(ContentType.JSON)
                .body("{\"handle\":").put("/v1/users/me")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("JSON"));
    }

    @Test
    void request_withoutToken_is401Problem() {
        given().get("/v1/users/1").then().statusCode(401)
                .contentType("application/problem+json")
                .body("status", equalTo(401));
    }

    @Test
    void byId_notANumber_is400_unknown_is404() {
        String token = TestUsers.token(TestUsers.newId());
        given().auth().oauth2(token).get("/v1/users/abc").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("abc"));
        given().auth().oauth2(token).get("/v1/users/" + TestUsers.newId()).then().statusCode(404)
                .contentType("application/problem+json");
    }

    private static io.restassured.response.Response putMe(long id, String handle, String displayName) {
        return given().auth().oauth2(TestUsers.token(id)).contentType(ContentType.JSON)
                .body("{\"handle\":\"" + handle + "\",\"displayName\":\"" + displayName + "\"}")
                .when().put("/v1/users/me");
    }
}
