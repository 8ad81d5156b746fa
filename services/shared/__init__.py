"""Building blocks every Tandem service uses: the event contract, the bus, outbox and inbox,
tenancy, metrics, configuration and database plumbing. No business rules live here."""
