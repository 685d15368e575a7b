using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Connectors.Sdk.Outbound;

namespace Scrm.Connectors.WeChat.Storage;

/// <summary>The WeChat connector's own table: idempotency keys of messages it sent.</summary>
public class WeChatDbContext(DbContextOptions options) : OutboundLedgerDbContext(options)
{
    protected override string SentMessagesTable => "wechat_sent_messages";
}

public sealed class SqliteWeChatDbContext(DbContextOptions<SqliteWeChatDbContext> options) : WeChatDbContext(options);

public sealed class PostgresWeChatDbContext(DbContextOptions<PostgresWeChatDbContext> options) : WeChatDbContext(options);

internal sealed class SqliteWeChatDesignFactory : IDesignTimeDbContextFactory<SqliteWeChatDbContext>
{
    public SqliteWeChatDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteWeChatDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresWeChatDesignFactory : IDesignTimeDbContextFactory<PostgresWeChatDbContext>
{
    public PostgresWeChatDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresWeChatDbContext>().UseNpgsql("Host=localhost").Options);
}
