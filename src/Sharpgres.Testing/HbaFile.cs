using System.Text;

namespace Sharpgres.Testing;

/// <summary>
/// The pg_hba.conf of a <see cref="TempServer"/>: the caller's extra lines first (first match wins), then
/// <c>trust</c> for the Unix socket (the easy admin path) and the chosen method for loopback TCP.
/// </summary>
public static class HbaFile
{
    /// <summary>Returns the pg_hba.conf text: <paramref name="extraLines"/> first, then <c>trust</c> for local (Unix-socket) connections and <paramref name="method"/> for host connections from 127.0.0.1/32 and ::1/128.</summary>
    public static string Build(AuthMethod method, IEnumerable<string> extraLines)
    {
        var hbaMethod = method.ToHbaMethod();
        var text = new StringBuilder();
        text.Append("# Written by Sharpgres.Testing.TempServer.\n");
        text.Append("# TYPE  DATABASE     USER  ADDRESS        METHOD\n");
        var extra = extraLines.ToList();
        if (extra.Count > 0)
        {
            text.Append("\n# TempServerOptions.ExtraHbaLines\n");
            foreach (var line in extra)
            {
                if (line.Contains('\n') || line.Contains('\r'))
                    throw new ArgumentException($"An hba line must not contain a line break: '{line}'.", nameof(extraLines));
                text.Append(line).Append('\n');
            }
        }
        text.Append("\n# Defaults\n");
        text.Append("local   all          all                  trust\n");
        text.Append("local   replication  all                  trust\n");
        foreach (var address in (string[])["127.0.0.1/32", "::1/128"])
        {
            text.Append($"host    all          all   {address,-14} {hbaMethod}\n");
            text.Append($"host    replication  all   {address,-14} {hbaMethod}\n");
        }
        return text.ToString();
    }
}
