"""A PaddleHub serving OCR client that behaves like PaddleOCR's tools/test_hubserving.py, for
ppserve's tests: `hub_ocr_client.py SERVER_URL IMAGE_PATH` (a file or a folder of images) posts
each image as {"images": [<base64>]} with Content-type application/json, and logs the first
entry of "results" and the time each request took.
"""
import base64
import json
import logging
import os
import sys
import time

import requests

IMAGE_EXTENSIONS = {"jpg", "bmp", "png", "jpeg", "rgb", "tif", "tiff", "gif", "pdf"}

logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="[%(asctime)s] %(name)s %(levelname)s: %(message)s")
logger = logging.getLogger("ppocr")


def image_files(path):
    """The path itself, or the images of the folder, sorted (ppocr's get_image_file_list)."""
    candidates = [path] if os.path.isfile(path) else [os.path.join(path, name) for name in os.listdir(path)]
    return sorted(p for p in candidates if os.path.isfile(p) and p.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS)


def main(url, image_path):
    headers = {"Content-type": "application/json"}
    count = 0
    total = 0.0
    for image_file in image_files(image_path):
        with open(image_file, "rb") as handle:
            encoded = base64.b64encode(handle.read()).decode("utf8")
        started = time.time()
        answer = requests.post(url=url, headers=headers, data=json.dumps({"images": [encoded]}))
        elapsed = time.time() - started
        total += elapsed
        logger.info("Predict time of %s: %.3fs" % (image_file, elapsed))
        logger.info(answer.json()["results"][0])
        count += 1
    logger.info("avg time cost: {}".format(total / count))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        logger.info("Usage: %s server_url image_path" % sys.argv[0])
    else:
        main(sys.argv[1], sys.argv[2])
