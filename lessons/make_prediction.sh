#!/usr/bin/env bash
# Ask the height → weight service for a prediction.
#
#   lessons/make_prediction.sh [HEIGHT_INCHES] [PORT]     (defaults: 70 and 5000)
#
# Start the service first:  python -m gymlab.experiments.serve model.json --port 5000
# (lessons/09_model_to_service.py writes model.json and runs this script itself).
# Prints the service's JSON answer on stdout and "HTTP <status>" on stderr; exits with 1 when
# the service rejects the request (status 400 or above).
set -euo pipefail

HEIGHT="${1:-70}"
PORT="${2:-5000}"

response=$(curl --silent --show-error \
  --request POST \
  --header "Content-Type: application/json" \
  --data "{\"height\": ${HEIGHT}}" \
  --write-out $'\n%{http_code}' \
  "http://127.0.0.1:${PORT}/predict")

body="${response%$'\n'*}"     # everything before the last line
status="${response##*$'\n'}"  # the last line: the HTTP status code
echo "${body}"
echo "HTTP ${status}" >&2
[ "${status}" -lt 400 ]
