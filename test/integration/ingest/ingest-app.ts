/** The ingest registrations alone, as an app entry for the local runtime (tests only). */
import '../../../functions/ingest-eventhub.js';
import '../../../functions/ingest-http.js';
