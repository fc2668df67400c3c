-- wrk script: POST the JSON body read from a file, as application/json.
--   wrk -s bench/post.lua http://127.0.0.1:8000/graphql -- body.json
function init(args)
  local path = args[1]
  if path == nil then
    error("usage: wrk -s post.lua URL -- BODY.json")
  end
  local file = assert(io.open(path, "rb"))
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
