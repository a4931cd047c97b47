namespace Sharpgres.Data.Tests;

/// <summary>Npgsql's connection-string keys, libpq conninfo and URIs, and what they become for libpq.</summary>
public sealed class ConnectionStringTests
{
    [Fact]
    public void Npgsql_keys_map_to_libpq_keywords()
    {
        var b = new SharpgresConnectionStringBuilder(
            "Host=db1,db2;Port=5433;Database=app;User ID=alice;Password=s3cret;SSL Mode=VerifyFull;Timeout=7;" +
            "Application Name=svc;Search Path=app,public;Target Session Attributes=primary;Include Error Detail=true;" +
            "Command Timeout=12;Pooling=false;Minimum Pool Size=2;Maximum Pool Size=9;Connection Idle Lifetime=60;Connection Lifetime=600");
        var info = b.ToConnectionInfo();
        Assert.Equal("db1,db2", info.Host);
        Assert.Equal("5433", info.Port);
        Assert.Equal("app", info.DbName);
        Assert.Equal("alice", info.User);
        Assert.Equal("s3cret", info.Password);
        Assert.Equal("verify-full", info.SslMode);
        Assert.Equal("7", info.ConnectTimeout);
        Assert.Equal("svc", info.ApplicationName);
        Assert.Equal("primary", info.TargetSessionAttrs);
        Assert.Equal("-c search_path=app,public", info.Options);
        Assert.Equal(12, b.CommandTimeout);
        Assert.False(b.Pooling);
        Assert.Equal((2, 9, 60, 600), (b.MinPoolSize, b.MaxPoolSize, b.ConnectionIdleLifetime, b.ConnectionLifetime));
        Assert.True(b.IncludeErrorDetail);
        Assert.Equal("alice", b.Username);
        Assert.Equal("alice", b["Username"]);
        Assert.Equal("alice", b["user"]);
    }

    [Fact]
    public void Defaults_are_Npgsqls()
    {
        var b = new SharpgresConnectionStringBuilder("Host=x");
        Assert.True(b.Pooling);
        Assert.Equal(30, b.CommandTimeout);
        Assert.Equal(5432, b.Port);
        Assert.Equal(100, b.MaxPoolSize);
        Assert.Equal(0, b.MinPoolSize);
    }

    [Fact]
    public void Libpq_conninfo_and_URIs_are_accepted()
    {
        var conninfo = new SharpgresConnectionStringBuilder("host=h port=6000 dbname=d user=u");
        Assert.Equal(("h", 6000, "d", "u"), (conninfo.Host, conninfo.Port, conninfo.Database, conninfo.Username));
        var uri = new SharpgresConnectionStringBuilder("postgresql://u2:pw@h2:6001/d2?sslmode=require&application_name=x");
        Assert.Equal(("h2", 6001, "d2", "u2", "pw"), (uri.Host, uri.Port, uri.Database, uri.Username, uri.Password));
        Assert.Equal("require", uri.ToConnectionInfo().SslMode);
    }

    [Fact]
    public void Unknown_keys_and_bad_values_fail_naming_the_key_and_never_the_password()
    {
        var e = Assert.Throws<ArgumentException>(() => new SharpgresConnectionStringBuilder("Host=x;Password=hunter2;Frobnicate=1"));
        Assert.Contains("frobnicate", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hunter2", e.Message);
        var bad = Assert.Throws<ArgumentException>(() => new SharpgresConnectionStringBuilder("Host=x;Password=hunter2;Port=abc"));
        Assert.Contains("Port", bad.Message);
        Assert.DoesNotContain("hunter2", bad.Message);
        Assert.DoesNotContain("hunter2", new SharpgresConnectionStringBuilder("Host=x;Password=hunter2").ToString());
    }
}
