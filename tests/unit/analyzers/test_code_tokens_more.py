"""Ruby, PHP, Perl, R, Julia and PowerShell read by tokens: each route's destructive form is
found, and a harmless lookalike (a GET, a SELECT, a POST that creates, code that only reads,
a command word inside a string) gives nothing."""

from __future__ import annotations

import pytest

from code_judge import RAILWAY_URL, judged
from guardsh.analyzers.code.tokens_more import analyze_tokens_more

MUTATION = 'mutation { volumeDelete(volumeId: \\"vol-123\\") }'

DESTRUCTIVE = [
    # ruby
    ("ruby", 'system("rm -rf ~/work")', ("shell", "rm -rf ~/work")),
    ("ruby", 'out = `git push --force`', ("shell", "git push --force")),
    ("ruby", 'system("rm", "-rf", "/srv/data")', ("shell", "rm -rf /srv/data")),
    ("ruby", '%x(dropdb prod)', ("shell", "dropdb prod")),
    ("ruby", 'FileUtils.rm_rf("public/uploads")', ("code.delete-tree", "public/uploads")),
    ("ruby", 'HTTParty.delete("https://api.example.com/v1/apps/3")', ("http.delete", "https://api.example.com/v1/apps/3")),
    ("ruby", f'HTTParty.post("{RAILWAY_URL}", body: {{ query: "{MUTATION}" }}.to_json)',
     ("http.graphql-destructive", "vol-123")),
    ("ruby", 'req = Net::HTTP::Delete.new(URI("https://api.example.com/x"))', ("http.delete", "https://api.example.com/x")),
    ("ruby", 'User.delete_all', ("sql.delete-all", "User")),
    ("ruby", 'Post.all.destroy_all', ("sql.delete-all", "Post")),
    ("ruby", 'ActiveRecord::Base.connection.execute("DROP TABLE users")', ("sql.drop-table", "users")),
    ("ruby", 'Redis.new.flushall', ("redis.flush", "all databases")),
    ("ruby", 'require "aws-sdk-s3"\ns3 = Aws::S3::Client.new\ns3.delete_bucket(bucket: "prod-assets")',
     ("code.sdk-delete", "delete_bucket prod-assets")),
    # php
    ("php", 'shell_exec("rm -rf /var/www/storage");', ("shell", "rm -rf /var/www/storage")),
    ("php", 'passthru("git reset --hard");', ("shell", "git reset --hard")),
    ("php", 'unlink("database.sqlite");', ("code.delete-file", "database.sqlite")),
    ("php", '$client->delete("https://api.example.com/v1/x");', ("http.delete", "https://api.example.com/v1/x")),
    ("php", '$client->request("DELETE", "https://api.example.com/v1/y");', ("http.delete", "https://api.example.com/v1/y")),
    ("php", "curl_setopt($ch, CURLOPT_URL, 'https://api.example.com/z'); curl_setopt($ch, CURLOPT_CUSTOMREQUEST, 'DELETE');",
     ("http.delete", "https://api.example.com/z")),
    ("php", '$pdo->exec("TRUNCATE TABLE orders");', ("sql.truncate", "orders")),
    ("php", 'User::truncate();', ("sql.truncate", "User")),
    ("php", "DB::table('users')->delete();", ("sql.delete-all", "users")),
    ("php", '$redis->flushAll();', ("redis.flush", "all databases")),
    # perl
    ("perl", 'system("rm -rf /tmp/build")', ("shell", "rm -rf /tmp/build")),
    ("perl", 'my $x = qx{dropdb prod};', ("shell", "dropdb prod")),
    ("perl", 'use File::Path; rmtree("/srv/cache");', ("code.delete-tree", "/srv/cache")),
    ("perl", '$ua->request(HTTP::Request->new(DELETE => "https://api.example.com/p"));',
     ("http.delete", "https://api.example.com/p")),
    ("perl", '$dbh->do("DROP TABLE sessions");', ("sql.drop-table", "sessions")),
    # R
    ("r", 'system("rm -rf ~/data")', ("shell", "rm -rf ~/data")),
    ("r", 'system2("rm", c("-rf", "/srv/r-data"))', ("shell", "rm -rf /srv/r-data")),
    ("r", 'unlink("results", recursive = TRUE)', ("code.delete-tree", "results")),
    ("r", 'file.remove("prod.sqlite")', ("code.delete-file", "prod.sqlite")),
    ("r", 'httr::DELETE("https://api.example.com/r")', ("http.delete", "https://api.example.com/r")),
    ("r", f'httr::POST("{RAILWAY_URL}", body = list(query = "{MUTATION}"), encode = "json")',
     ("http.graphql-destructive", "vol-123")),
    ("r", 'DBI::dbExecute(con, "DROP TABLE measurements")', ("sql.drop-table", "measurements")),
    ("r", 'dbExecute(con, paste0("DELETE FROM ", tbl))', ("sql.delete-all", None)),
    ("r", 'dbExecute(con, query)', ("code.unknown-sink", "dbExecute")),
    # Julia
    ("julia", 'run(`rm -rf /tmp/jl`)', ("shell", "rm -rf /tmp/jl")),
    ("julia", 'rm("output"; recursive=true)', ("code.delete-tree", "output")),
    ("julia", 'HTTP.request("DELETE", "https://api.example.com/j")', ("http.delete", "https://api.example.com/j")),
    ("julia", 'HTTP.delete("https://api.example.com/k")', ("http.delete", "https://api.example.com/k")),
    ("julia", 'DBInterface.execute(db, "DROP TABLE t")', ("sql.drop-table", "t")),
    # PowerShell
    ("powershell", 'Invoke-RestMethod -Uri https://api.example.com/v1/s -Method Delete',
     ("http.delete", "https://api.example.com/v1/s")),
    ("powershell", 'iwr "https://api.example.com/v1/t" -Method DELETE -Headers @{Authorization = "Bearer $env:TOKEN"}',
     ("http.delete", "https://api.example.com/v1/t")),
    ("powershell", f"$body = @{{query = '{MUTATION.replace(chr(92), '')}'}} | ConvertTo-Json\n"
                   f"Invoke-RestMethod -Uri {RAILWAY_URL} -Method Post -Body $body -ContentType 'application/json'",
     ("http.graphql-destructive", "vol-123")),
    ("powershell", "Invoke-RestMethod -Method Post -Uri " + RAILWAY_URL +
     " -Body '{\"query\": \"mutation { volumeDelete(volumeId: \\\"vol-123\\\") }\"}' -ContentType application/json",
     ("http.graphql-destructive", "vol-123")),
    ("powershell", 'Remove-Item -Recurse -Force C:\\data', ("code.delete-tree", "C:\\data")),
    ("powershell", 'rm -r ./build', ("code.delete-tree", "./build")),
    ("powershell", 'Remove-Item report.txt', ("code.delete-file", "report.txt")),
    ("powershell", 'Remove-AzResourceGroup -Name prod-rg -Force', ("code.sdk-delete", "Remove-AzResourceGroup prod-rg")),
    ("powershell", 'Remove-S3Bucket -BucketName logs -DeleteBucketContent', ("code.sdk-delete", "Remove-S3Bucket")),
    ("powershell", 'Clear-Content C:\\app\\prod.db', ("code.truncate-file", "C:\\app\\prod.db")),
    ("powershell", 'Invoke-Sqlcmd -Query "DROP TABLE Users" -ServerInstance prod', ("sql.drop-table", "Users")),
    ("powershell", 'Start-Process -FilePath rm -ArgumentList "-rf", "/srv"', ("shell", "rm -rf /srv")),
    ("powershell", 'git push --force origin main', ("shell", "git push --force origin main")),
    ("powershell", 'Invoke-Expression $payload', ("code.dynamic-eval", None)),
]

HARMLESS = [
    ("ruby", 'puts "rm -rf /"; x = File.read("config.yml")'),
    ("ruby", 'HTTParty.get("https://api.example.com/v1/apps")'),
    ("ruby", f'HTTParty.post("{RAILWAY_URL}", body: {{ query: "mutation {{ projectCreate(input: {{name: \\"x\\"}}) {{ id }} }}" }}.to_json)'),
    ("ruby", 'User.where(active: false).delete_all'),
    ("ruby", 'ActiveRecord::Base.connection.execute("SELECT 1")'),
    ("ruby", 'hash.delete(:key); list.delete_if { |x| x.nil? }'),
    ("php", 'echo "rm -rf /"; $x = file_get_contents("a.txt");'),
    ("php", '$r = Http::get("https://api.example.com/a"); $pdo->query("SELECT * FROM t");'),
    ("php", "DB::table('users')->where('id', 1)->delete();"),
    ("php", 'unset($arr["k"]);'),
    ("perl", 'print "rm -rf /\\n"; my $ua = LWP::UserAgent->new; $ua->get("https://api.example.com/p");'),
    ("perl", '$dbh->do("UPDATE t SET a = 1 WHERE id = 2");'),
    ("r", 'x <- read.csv("a.csv"); print("rm -rf /"); summary(x)'),
    ("r", 'httr::GET("https://api.example.com/a"); DBI::dbGetQuery(con, "SELECT * FROM t")'),
    ("julia", 'println("rm -rf /"); x = a\' * b; HTTP.get("https://api.example.com/j")'),
    ("julia", 'DBInterface.execute(db, "SELECT 1")'),
    ("powershell", 'Get-ChildItem -Recurse | Where-Object { $_.Length -gt 1mb }'),
    ("powershell", 'Invoke-RestMethod -Uri https://api.example.com/a'),
    ("powershell", 'Write-Output "Remove-Item -Recurse C:\\"; $x = 1'),
    ("powershell", 'Remove-Variable x; Clear-Host'),
    ("powershell", "Invoke-RestMethod -Method Post -Uri https://api.example.com/users -Body (@{name='ann'} | ConvertTo-Json)"),
]


@pytest.mark.parametrize("language, code, expected", DESTRUCTIVE, ids=[f"{l}:{c[:50]}" for l, c, _ in DESTRUCTIVE])
def test_destructive_code_is_found(language, code, expected):
    assert expected in judged(analyze_tokens_more(language, code))


@pytest.mark.parametrize("language, code", HARMLESS, ids=[f"{l}:{c[:50]}" for l, c in HARMLESS])
def test_harmless_lookalike_gives_nothing(language, code):
    assert judged(analyze_tokens_more(language, code)) == []


def test_sinks_only_leaves_shell_and_files_to_the_older_reader():
    found = judged(analyze_tokens_more("ruby", 'system("rm -rf x"); FileUtils.rm_rf("y"); User.delete_all',
                                       sinks_only=True))
    assert found == [("sql.delete-all", "User")]


def test_scratch_files_are_deleted_under_tmp():
    """unlink(tempfile()) becomes `rm /tmp/$?`, which the filesystem rules let through as scratch."""
    assert judged(analyze_tokens_more("r", "unlink(tempfile())")) == [("code.delete-file", "/tmp/$?")]


def test_unterminated_string_is_unparseable():
    assert judged(analyze_tokens_more("r", 'system("rm -rf')) == [("code.unparseable", None)]


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        analyze_tokens_more("cobol", "DISPLAY 'x'")
