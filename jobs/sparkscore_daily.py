"""Airflow DAG: score one day's partition with sparkscore on the cluster behind the ``spark_default`` connection.

Everything job-specific (model, paths, features, schedule, retries, Spark sizing) is in ``sparkscore_daily.json``
next to this file; ``sparkscore_args.py`` turns it into the sparkscore command line. Deploy the three files to the
DAG folder and the shaded jar (``target/sparkscore-*-spark.jar``) plus ``conf/log4j2.properties`` to the paths the
config names. Each run reads ``<input>/dt={{ ds }}`` and overwrites ``<output>/dt={{ ds }}``, so retries and
backfills are idempotent; the run summary lands in ``<output>/dt={{ ds }}/_sparkscore_summary.json``.

Written for Airflow 2.x with apache-airflow-providers-apache-spark (Airflow 3 dropped task SLAs).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

from sparkscore_args import build_application_args, load_config

config = load_config()
spark = config["spark"]

default_args = {
    "owner": config["owner"],
    "retries": config["retries"],
    "retry_delay": timedelta(minutes=config["retry_delay_minutes"]),
    "sla": timedelta(minutes=config["sla_minutes"]),
    "depends_on_past": False,
}

with DAG(
    dag_id=config["dag_id"],
    description=config["description"],
    schedule=config["schedule"],
    start_date=datetime.fromisoformat(config["start_date"]),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["sparkscore"],
) as dag:
    score = SparkSubmitOperator(
        task_id="score",
        conn_id=spark["conn_id"],
        application=spark["application"],
        java_class=spark["java_class"],
        files=spark.get("files"),
        conf=spark.get("conf"),
        num_executors=spark.get("num_executors"),
        executor_cores=spark.get("executor_cores"),
        executor_memory=spark.get("executor_memory"),
        driver_memory=spark.get("driver_memory"),
        name="sparkscore-{{ ds }}",
        application_args=build_application_args(config["score"]),
    )
