namespace Sharpgres.Testing;

/// <summary>libpq conninfo (<c>key=value</c>) formatting.</summary>
internal static class ConnInfo
{
    /// <summary>A value as-is when it is plain, else in single quotes with <c>'</c> and <c>\</c> backslash-escaped.</summary>
    public static string Value(string value, bool alwaysQuote = false)
    {
        if (!alwaysQuote && value.Length > 0 && value.All(c => !char.IsWhiteSpace(c) && c is not ('\'' or '\\' or '=')))
            return value;
        return "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
    }
}
