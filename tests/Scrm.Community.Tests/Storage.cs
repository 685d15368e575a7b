using Scrm.Testing;

[assembly: AssemblyFixture(typeof(PostgresServer))]
