package dev.streamworks.fraud.query;

import dev.streamworks.common.query.KeyOwners;
import dev.streamworks.common.query.QueryException;
import dev.streamworks.fraud.FraudProperties;
import dev.streamworks.fraud.domain.UserState;
import dev.streamworks.fraud.processor.FraudStateProcessor;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read-only REST over the users' fraud state. The user's partition may live on another
 * instance: the request is then forwarded there. A user with no state (never seen, or deleted
 * after {@code state-ttl}) answers 404.
 */
@RestController
@RequestMapping("/api/users")
class UserRiskQueryController {

    private final KeyOwners owners;
    private final FraudProperties props;

    UserRiskQueryController(KeyOwners owners, FraudProperties props) {
        this.owners = owners;
        this.props = props;
    }

    @GetMapping("/{userId}/risk")
    ResponseEntity<?> risk(@PathVariable String userId, HttpServletRequest request) {
        return owners.answer(FraudStateProcessor.USERS_STORE, userId, request, () -> {
            ReadOnlyKeyValueStore<String, UserState> users = owners.localStore(FraudStateProcessor.USERS_STORE,
                    QueryableStoreTypes.keyValueStore());
            UserState state = users.get(userId);
            if (state == null) {
                throw QueryException.notFound("no fraud state for user '" + userId + "' (no transaction in the last "
                        + props.stateTtl() + " of event time)");
            }
            return UserRiskView.of(userId, state, props.rules());
        });
    }
}
