"""A PaddleX OCR serving client, as PaddleX's own Python example for the OCR pipeline works:
post the image's base64 as JSON {"file", "fileType": 1} with requests, print each page's
prunedResult, and write each page's ocrImage (base64 JPEG) to ocr_<page>.jpg.

Usage: python3 paddlex_ocr_client.py URL IMAGE [OUTPUT_DIR]
Prints one JSON line per page: {"page", "prunedResult", "ocrImage": path written}.
"""

import base64
import json
import os
import sys

import requests


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    api_url, image_path = sys.argv[1], sys.argv[2]
    output_dir = sys.argv[3] if len(sys.argv) > 3 else "."

    with open(image_path, "rb") as image_file:
        encoded = base64.b64encode(image_file.read()).decode("ascii")

    response = requests.post(api_url, json={"file": encoded, "fileType": 1}, timeout=60)
    if response.status_code != 200:
        print(f"HTTP {response.status_code}: {response.text}", file=sys.stderr)
        return 1

    for page, page_result in enumerate(response.json()["result"]["ocrResults"]):
        written = None
        if page_result.get("ocrImage") is not None:
            written = os.path.join(output_dir, f"ocr_{page}.jpg")
            with open(written, "wb") as out:
                out.write(base64.b64decode(page_result["ocrImage"]))
        line = {"page": page, "prunedResult": page_result["prunedResult"], "ocrImage": written}
        print(json.dumps(line, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
